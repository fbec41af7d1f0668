namespace Mtc.Core.Model;

public enum ConditionLevel
{
    Normal,
    Warning,
    Fault,
    Unavailable,
}

/// <summary>
/// One Sample, Event or Condition entry of a streams document (or of an SHDR line once mapped to a data item).
/// A class, not a record: documents hold tens of thousands of these and the parser fills them in place.
/// </summary>
public sealed class Observation
{
    public const string UnavailableValue = "UNAVAILABLE";

    public required DataItemCategory Category { get; init; }

    /// <summary>Element name: <c>Execution</c>, <c>Position</c>, ... For conditions the level element
    /// (<c>Normal</c>, <c>Warning</c>, <c>Fault</c>, <c>Unavailable</c>).</summary>
    public required string ElementName { get; init; }
    public required string DataItemId { get; init; }
    public string? Name { get; init; }
    public long Sequence { get; init; }

    /// <summary>UTC. Timestamps written without <c>Z</c> are read as UTC.</summary>
    public DateTime Timestamp { get; init; }
    public string? SubType { get; init; }
    public string? CompositionId { get; init; }

    /// <summary>The text content; <c>UNAVAILABLE</c> stays as it is. Null for conditions without text.</summary>
    public string? Value { get; init; }

    // Condition entries
    public ConditionLevel? Level { get; init; }

    /// <summary>For conditions, the <c>type</c> attribute (e.g. <c>TEMPERATURE</c>).</summary>
    public string? Type { get; init; }
    public string? NativeCode { get; init; }
    public string? NativeSeverity { get; init; }
    public string? Qualifier { get; init; }
    public string? ConditionId { get; init; }

    // TimeSeries entries
    public int? SampleCount { get; init; }
    public double? SampleRate { get; init; }

    // DataSet and Table entries
    public int? Count { get; init; }
    public IReadOnlyList<DataSetEntry>? Entries { get; init; }

    /// <summary><c>resetTriggered</c> on samples, data sets and tables (e.g. <c>MANUAL</c>, <c>DAY</c>).</summary>
    public string? ResetTriggered { get; init; }

    // Where the observation sits in the device stream
    public string? ComponentType { get; init; }
    public string? ComponentId { get; init; }
    public string? ComponentName { get; init; }

    public bool IsUnavailable =>
        Category == DataItemCategory.Condition
            ? Level == ConditionLevel.Unavailable
            : Value == UnavailableValue;
}

/// <summary>An entry of a DataSet or Table observation. Table entries carry cells.</summary>
public sealed record DataSetEntry(string Key, string? Value, bool Removed = false, IReadOnlyList<TableCell>? Cells = null);

public sealed record TableCell(string Key, string? Value);
