namespace Mtc.Core.Model;

public enum DataItemCategory
{
    Sample,
    Event,
    Condition,
}

/// <summary>A data item declared in a devices document (probe), as the agent declared it.</summary>
public sealed record DataItem
{
    public required string Id { get; init; }
    public string? Name { get; init; }

    /// <summary>The MTConnect type as written in the probe, e.g. <c>EXECUTION</c>, <c>PART_COUNT</c>.</summary>
    public required string Type { get; init; }
    public string? SubType { get; init; }
    public required DataItemCategory Category { get; init; }
    public string? Units { get; init; }
    public string? NativeUnits { get; init; }

    /// <summary><c>VALUE</c> (the default, null here), <c>TIME_SERIES</c>, <c>DATA_SET</c>, <c>TABLE</c>, <c>DISCRETE</c>.</summary>
    public string? Representation { get; init; }
    public string? Statistic { get; init; }
    public string? CompositionId { get; init; }

    /// <summary>Id of the component (or device) that declares this data item.</summary>
    public string? ComponentId { get; init; }

    /// <summary>Element name of that component, e.g. <c>Controller</c>, <c>Path</c>, <c>Device</c>.</summary>
    public string? ComponentType { get; init; }
}
