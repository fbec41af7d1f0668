using System.Globalization;

namespace Mtc.Simulator.Agent;

/// <summary>An MTConnect schema version served by the simulator; decides namespaces and document shapes.</summary>
internal sealed record SchemaVersion(int Major, int Minor)
{
    public static IReadOnlyList<string> Supported { get; } =
        ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"];

    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    /// <summary>2.6 replaced the classic <c>Error</c> element by typed errors (<c>OutOfRange</c>, ...).</summary>
    public bool HasTypedErrors => Major > 2 || (Major == 2 && Minor >= 6);

    /// <summary>1.x streams use <c>multipart/x-mixed-replace</c>, 2.x <c>multipart/mixed</c>.</summary>
    public string MultipartMediaType => Major >= 2 ? "multipart/mixed" : "multipart/x-mixed-replace";

    /// <summary>cppagent writes the header's <c>schemaVersion</c> from 2.0 on (no XSD declares it: a known deviation).</summary>
    public bool HasSchemaVersionHeader => Major >= 2;

    /// <summary>1.7 added the header's required <c>deviceModelChangeTime</c>; error documents have it from 2.6 (their header was apart before).</summary>
    public bool HasDeviceModelChangeTime(bool error) => error ? HasTypedErrors : Major >= 2 || (Major == 1 && Minor >= 7);

    /// <summary>The 1.7 and 1.8 schemas make the <c>Agent</c> device the first child of <c>Devices</c>, even in a per-device probe.</summary>
    public bool ProbeStartsWithAgent => Major == 1 && Minor >= 7;

    /// <summary>Before 1.7 <c>Streams</c> holds at least one <c>DeviceStream</c>: an empty page lists the devices with nothing in them.</summary>
    public bool StreamsNeedADeviceStream => Major == 1 && Minor < 7;

    /// <summary>From 2.6 a CuttingTool's <c>Description</c> follows its definition and life cycle (before, it came first).</summary>
    public bool CuttingToolDescriptionLast => HasTypedErrors;

    /// <summary>From 2.5 an active condition (Warning, Fault) carries a required <c>conditionId</c>.</summary>
    public bool HasConditionId => Major > 2 || (Major == 2 && Minor >= 5);

    /// <summary>The agent version written in the header's <c>version</c> attribute.</summary>
    public string AgentVersion => Text + ".0.0";

    public string Namespace(string document) => $"urn:mtconnect.org:MTConnect{document}:{Text}";

    public string SchemaLocation(string document) =>
        $"{Namespace(document)} http://schemas.mtconnect.org/schemas/MTConnect{document}_{Text}.xsd";

    public static bool TryParse(string? text, out SchemaVersion version)
    {
        version = new SchemaVersion(0, 0);
        if (text is null || !Supported.Contains(text, StringComparer.Ordinal))
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        version = new SchemaVersion(
            int.Parse(text.AsSpan(0, dot), CultureInfo.InvariantCulture),
            int.Parse(text.AsSpan(dot + 1), CultureInfo.InvariantCulture));
        return true;
    }
}
