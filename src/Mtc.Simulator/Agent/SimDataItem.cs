using Mtc.Core.Model;
using Mtc.Core.Shdr;

namespace Mtc.Simulator.Agent;

/// <summary>A data item the agent serves: what the probe declared, where it sits, and how its observations are written.</summary>
internal sealed class SimDataItem
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public required string Type { get; init; }
    public string? SubType { get; init; }
    public required DataItemCategory Category { get; init; }
    public string? Representation { get; init; }
    public required string ComponentType { get; init; }
    public required string ComponentId { get; init; }
    public string? ComponentName { get; init; }
    public required DeviceModel Device { get; init; }

    /// <summary>Prefix of a vendor extension type (<c>x</c> of <c>x:UNIT</c>); null for standard types.</summary>
    public string? ExtensionPrefix { get; init; }

    /// <summary>Element name in a streams document (without prefix): <c>PATH_FEEDRATE</c> → <c>PathFeedrate</c>.</summary>
    public string ElementName => field ??= ToElementName(Type, Representation);

    public bool IsMessage => Type is "MESSAGE";

    /// <summary>ASSET_CHANGED or ASSET_REMOVED: its observations carry the asset's type (required from 2.0).</summary>
    public bool IsAssetEvent => Type is "ASSET_CHANGED" or "ASSET_REMOVED";

    /// <summary>The ALARM event (deprecated since 1.1): its native code is written like a message's.</summary>
    public bool IsAlarm => Type is "ALARM";
    public bool IsTimeSeries => Representation is "TIME_SERIES";
    public bool IsDataSet => Representation is "DATA_SET" or "TABLE";

    /// <summary>Core's element name without the extension prefix (written separately as the element's namespace).</summary>
    public static string ToElementName(string type, string? representation)
    {
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        return ShdrObservations.ElementName(colon >= 0 ? type[(colon + 1)..] : type, representation);
    }

    public DataItem ToModel() => new()
    {
        Id = Id,
        Name = Name,
        Type = Type,
        SubType = SubType,
        Category = Category,
        Representation = Representation,
        ComponentId = ComponentId,
        ComponentType = ComponentType,
    };
}
