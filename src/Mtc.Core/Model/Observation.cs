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
/// <remarks>
/// Storage is kept small because a document holds so many: the fields every observation has are fields here; the
/// rare ones (condition attributes, time series and data set attributes, entries) live in a details object made only
/// when one of them is set; the component the observation sits in is a reference that a reader shares between all
/// the observations of one component stream. Measured sizes (64-bit): an instance is 96 bytes; a condition with a
/// type, native code, ... adds 72 bytes of details; a time series, data set or table adds 72 + 64 bytes; setting the
/// component through the properties adds 48 bytes (the readers share one per component stream instead). With every
/// property a field, an instance was 208 bytes.
/// </remarks>
public sealed class Observation
{
    public const string UnavailableValue = "UNAVAILABLE";

    // Null, the component the observation sits in (ObservationComponent), or the details (which then hold it).
    private object? _extra;

    // Level + 1, 0 for none: fits in the padding after Category, so costs no space.
    private byte _level;

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
    public ConditionLevel? Level
    {
        get => _level == 0 ? null : (ConditionLevel)(_level - 1);
        init => _level = value switch
        {
            null => 0,
            { } level when (uint)level < byte.MaxValue => (byte)(level + 1),
            _ => throw new ArgumentOutOfRangeException(nameof(value), value, "not a condition level"),
        };
    }

    /// <summary>For conditions, the <c>type</c> attribute (e.g. <c>TEMPERATURE</c>).</summary>
    public string? Type { get => Rare?.Type; init => DetailsIf(value is not null)?.Type = value; }
    public string? NativeCode { get => Rare?.NativeCode; init => DetailsIf(value is not null)?.NativeCode = value; }
    public string? NativeSeverity { get => Rare?.NativeSeverity; init => DetailsIf(value is not null)?.NativeSeverity = value; }
    public string? Qualifier { get => Rare?.Qualifier; init => DetailsIf(value is not null)?.Qualifier = value; }
    public string? ConditionId { get => Rare?.ConditionId; init => DetailsIf(value is not null)?.ConditionId = value; }

    // TimeSeries entries
    public int? SampleCount { get => Rare?.More?.SampleCount; init => MoreIf(value is not null)?.SampleCount = value; }
    public double? SampleRate { get => Rare?.More?.SampleRate; init => MoreIf(value is not null)?.SampleRate = value; }

    // DataSet and Table entries
    public int? Count { get => Rare?.More?.Count; init => MoreIf(value is not null)?.Count = value; }
    public IReadOnlyList<DataSetEntry>? Entries { get => Rare?.More?.Entries; init => MoreIf(value is not null)?.Entries = value; }

    /// <summary><c>resetTriggered</c> on samples, data sets and tables (e.g. <c>MANUAL</c>, <c>DAY</c>).</summary>
    public string? ResetTriggered { get => Rare?.More?.ResetTriggered; init => MoreIf(value is not null)?.ResetTriggered = value; }

    // Where the observation sits in the device stream
    public string? ComponentType { get => Where?.Type; init => OwnComponentIf(value is not null)?.Type = value; }
    public string? ComponentId { get => Where?.Id; init => OwnComponentIf(value is not null)?.Id = value; }
    public string? ComponentName { get => Where?.Name; init => OwnComponentIf(value is not null)?.Name = value; }

    public bool IsUnavailable =>
        Category == DataItemCategory.Condition
            ? Level == ConditionLevel.Unavailable
            : Value == UnavailableValue;

    /// <summary>
    /// The component stream the observation sits in, as one object a reader shares between all the observations of
    /// that component stream (it is never changed once shared). Setting <see cref="ComponentType"/>,
    /// <see cref="ComponentId"/> or <see cref="ComponentName"/> afterwards gives the observation its own copy.
    /// </summary>
    internal ObservationComponent? Where
    {
        get => _extra is ObservationDetails details ? details.Component : _extra as ObservationComponent;
        init
        {
            // Once given to an observation this way, the component may be given to others: it must not change.
            value?.Freeze();
            if (_extra is ObservationDetails details)
            {
                details.Component = value;
            }
            else
            {
                _extra = value;
            }
        }
    }

    private ObservationDetails? Rare => _extra as ObservationDetails;

    private ObservationDetails Details
    {
        get
        {
            if (_extra is ObservationDetails details)
            {
                return details;
            }

            details = new ObservationDetails { Component = _extra as ObservationComponent };
            _extra = details;
            return details;
        }
    }

    // Setting a rare property to null (its default) makes no details object.
    private ObservationDetails? DetailsIf(bool set) => set ? Details : Rare;

    private SeriesDetails? MoreIf(bool set) => set ? (Details.More ??= new SeriesDetails()) : Rare?.More;

    // Only called from init accessors, i.e. while the observation is being made.
    private ObservationComponent? OwnComponentIf(bool set) => set || Where is not null ? OwnComponent() : null;

    private ObservationComponent OwnComponent()
    {
        ObservationComponent? current = Where;
        if (current is { Shared: false })
        {
            return current;
        }

        var own = new ObservationComponent(current?.Type, current?.Id, current?.Name, shared: false);
        if (_extra is ObservationDetails details)
        {
            details.Component = own;
        }
        else
        {
            _extra = own;
        }

        return own;
    }

    // Condition attributes (most conditions have a type), and the rest, rarer still, one more step away.
    private sealed class ObservationDetails
    {
        public ObservationComponent? Component;
        public string? Type;
        public string? NativeCode;
        public string? NativeSeverity;
        public string? Qualifier;
        public string? ConditionId;
        public SeriesDetails? More;
    }

    private sealed class SeriesDetails
    {
        public int? SampleCount;
        public double? SampleRate;
        public int? Count;
        public IReadOnlyList<DataSetEntry>? Entries;
        public string? ResetTriggered;
    }
}

/// <summary>Where observations sit: the component stream's <c>component</c>, <c>componentId</c> and <c>name</c>.</summary>
internal sealed class ObservationComponent(string? type, string? id, string? name, bool shared)
{
    public string? Type { get; set; } = type;
    public string? Id { get; set; } = id;
    public string? Name { get; set; } = name;

    /// <summary>True when several observations may reference this object: it must not change any more.</summary>
    public bool Shared { get; private set; } = shared;

    public void Freeze() => Shared = true;
}

/// <summary>An entry of a DataSet or Table observation. Table entries carry cells.</summary>
/// <remarks>32 bytes (64-bit): the key and one reference that is the value itself for a data set entry, the cells
/// themselves for a table row without text, or (removed entries, rare mixes) a small object holding all three.</remarks>
public sealed record DataSetEntry(string Key, string? Value, bool Removed = false, IReadOnlyList<TableCell>? Cells = null)
{
    // A string or null (the value, not removed, no cells), the cells (not removed, no value) or Rest.
    private object? _rest = Pack(Value, Removed, Cells);

    public string? Value
    {
        get => _rest switch { string value => value, Rest rest => rest.Value, _ => null };
        init => _rest = Pack(value, Removed, Cells);
    }

    public bool Removed
    {
        get => _rest is Rest { Removed: true };
        init => _rest = Pack(Value, value, Cells);
    }

    public IReadOnlyList<TableCell>? Cells
    {
        get => _rest switch { IReadOnlyList<TableCell> cells => cells, Rest rest => rest.Cells, _ => null };
        init => _rest = Pack(Value, Removed, value);
    }

    private static object? Pack(string? value, bool removed, IReadOnlyList<TableCell>? cells) =>
        removed ? new Rest(value, removed, cells)
        : cells is null ? value
        : value is null ? cells
        : new Rest(value, removed, cells);

    // A record: entry equality compares this by value (and the cells by reference, as before).
    private sealed record Rest(string? Value, bool Removed, IReadOnlyList<TableCell>? Cells);
}

public sealed record TableCell(string Key, string? Value);
