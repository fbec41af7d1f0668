using System.Globalization;
using System.Xml.Linq;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Xml;

/// <summary>What a document holds, computed with LINQ to XML, independently of the reader under test.</summary>
internal sealed record ExpectedCounts
{
    public DocumentKind Kind { get; init; }
    public string? Version { get; init; }
    public DocumentHeader Header { get; init; } = new();
    public int Devices { get; init; }
    public int Agents { get; init; }
    public int Components { get; init; }
    public int DataItems { get; init; }
    public IEnumerable<string> DataItemIds { get; init; } = [];
    public int Observations { get; init; }
    public int Conditions { get; init; }
    public int Samples { get; init; }
    public int Unavailable { get; init; }
    public int Entries { get; init; }
    public int Cells { get; init; }
    public long SequenceSum { get; init; }
    public long ValueChars { get; init; }
    public int Assets { get; init; }
    public IEnumerable<string> AssetIds { get; init; } = [];

    public static ExpectedCounts Of(XDocument document)
    {
        XElement root = document.Root!;
        string name = root.Name.LocalName;
        string ns = root.Name.NamespaceName;
        string? nsVersion = ns.Length == 0 ? null : ns.Split(':')[^1];
        XElement? header = Child(root, "Header");
        var parsedHeader = ParseHeader(header, lenient: name == "MTConnectDevices");
        string? version = nsVersion ?? parsedHeader.SchemaVersion;

        switch (name)
        {
            case "MTConnectDevices":
                return OfDevices(Children(Child(root, "Devices")).ToList()) with { Kind = DocumentKind.Devices, Version = version, Header = parsedHeader };
            case "Device":
                return OfDevices([root]) with { Kind = DocumentKind.Devices };
            case "MTConnectStreams":
                return OfStreams(root) with { Kind = DocumentKind.Streams, Version = version, Header = parsedHeader };
            case "MTConnectAssets":
                var assets = Children(Child(root, "Assets")).ToList();
                return new ExpectedCounts
                {
                    Kind = DocumentKind.Assets,
                    Version = version,
                    Header = parsedHeader,
                    Assets = assets.Count,
                    AssetIds = assets.Select(a => (string)a.Attribute("assetId")!).ToList(),
                };
            default:
                Assert.NotNull(root.Attribute("assetId"));
                return new ExpectedCounts { Kind = DocumentKind.Assets, Assets = 1, AssetIds = [(string)root.Attribute("assetId")!] };
        }
    }

    private static ExpectedCounts OfDevices(List<XElement> devices)
    {
        // Components: every element under a Components element below the devices; data items: every DataItem
        // directly under a DataItems element of a device or component.
        var components = devices.SelectMany(d => d.Descendants()).Where(e => e.Parent!.Name.LocalName == "Components").ToList();
        var owners = devices.Concat(components).ToList();
        var dataItems = owners.SelectMany(o => Children(Child(o, "DataItems")).Where(e => e.Name.LocalName == "DataItem")).ToList();
        return new ExpectedCounts
        {
            Devices = devices.Count,
            Agents = devices.Count(d => d.Name.LocalName == "Agent"),
            Components = components.Count,
            DataItems = dataItems.Count,
            DataItemIds = dataItems.Select(i => (string)i.Attribute("id")!).Order(StringComparer.Ordinal).ToList(),
        };
    }

    private static ExpectedCounts OfStreams(XElement root)
    {
        var deviceStreams = Children(Child(root, "Streams")).Where(e => e.Name.LocalName == "DeviceStream").ToList();
        var observations = deviceStreams
            .SelectMany(d => Children(d).Where(c => c.Name.LocalName == "ComponentStream"))
            .SelectMany(c => Children(c).Where(x => x.Name.LocalName is "Samples" or "Events" or "Condition"))
            .SelectMany(Children)
            .ToList();
        static bool IsCondition(XElement o) => o.Parent!.Name.LocalName == "Condition";
        static string? Text(XElement o) =>
            o.Nodes().OfType<XText>().Any() ? string.Concat(o.Nodes().OfType<XText>().Select(t => t.Value)) : null;
        var entries = observations.SelectMany(o => o.Elements().Where(e => e.Name.LocalName == "Entry")).ToList();
        return new ExpectedCounts
        {
            Devices = deviceStreams.Count,
            Observations = observations.Count,
            Conditions = observations.Count(IsCondition),
            Samples = observations.Count(o => o.Parent!.Name.LocalName == "Samples"),
            Unavailable = observations.Count(o => IsCondition(o) ? o.Name.LocalName == "Unavailable" : Text(o) == "UNAVAILABLE"),
            Entries = entries.Count,
            Cells = entries.Sum(e => e.Elements().Count(c => c.Name.LocalName == "Cell")),
            SequenceSum = observations.Sum(o => long.Parse((string)o.Attribute("sequence")!, CultureInfo.InvariantCulture)),
            ValueChars = observations.Sum(o => (long)(Text(o)?.Length ?? 0)),
        };
    }

    private static DocumentHeader ParseHeader(XElement? header, bool lenient)
    {
        if (header is null)
        {
            return new DocumentHeader();
        }

        long? Long(string attribute) =>
            header.Attribute(attribute) is not { } a ? null
            : !lenient ? long.Parse(a.Value, CultureInfo.InvariantCulture)
            : long.TryParse(a.Value, CultureInfo.InvariantCulture, out long v) ? v : null;
        return new DocumentHeader
        {
            InstanceId = Long("instanceId"),
            BufferSize = Long("bufferSize"),
            FirstSequence = Long("firstSequence"),
            LastSequence = Long("lastSequence"),
            NextSequence = Long("nextSequence"),
            AssetBufferSize = Long("assetBufferSize"),
            AssetCount = Long("assetCount"),
            CreationTime = header.Attribute("creationTime") is { } t
                ? DateTime.Parse(t.Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
                : null,
            Sender = (string?)header.Attribute("sender"),
            AgentVersion = (string?)header.Attribute("version"),
            SchemaVersion = (string?)header.Attribute("schemaVersion"),
        };
    }

    private static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static IEnumerable<XElement> Children(XElement? parent) => parent?.Elements() ?? [];
}
