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

    public bool HasSchemaVersionHeader => Major >= 2;

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
