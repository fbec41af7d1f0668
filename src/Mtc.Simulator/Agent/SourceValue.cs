using Mtc.Core.Model;

namespace Mtc.Simulator.Agent;

/// <summary>A value a source reports for a data item, before the agent gives it a sequence number.</summary>
internal readonly record struct SourceValue(SimDataItem Item, DateTime Timestamp, string? Value)
{
    // Condition entries: Value is the message text.
    public ConditionLevel? Level { get; init; }
    public string? NativeCode { get; init; }
    public string? NativeSeverity { get; init; }
    public string? Qualifier { get; init; }
    public string? ConditionId { get; init; }

    // Time series entries: Value is the space-separated samples.
    public int? SampleCount { get; init; }
    public double? SampleRate { get; init; }

    // Data set and table entries (Value is null unless UNAVAILABLE).
    public IReadOnlyList<DataSetEntry>? Entries { get; init; }
    public string? ResetTriggered { get; init; }

    public static SourceValue Unavailable(SimDataItem item, DateTime timestamp) =>
        item.Category == DataItemCategory.Condition
            ? new SourceValue(item, timestamp, null) { Level = ConditionLevel.Unavailable }
            : new SourceValue(item, timestamp, Observation.UnavailableValue);

    public static SourceValue Condition(SimDataItem item, DateTime timestamp, ConditionLevel level, string? nativeCode = null, string? message = null, string? severity = null, string? qualifier = null) =>
        new(item, timestamp, message) { Level = level, NativeCode = nativeCode, NativeSeverity = severity, Qualifier = qualifier };
}

/// <summary>An observation in the agent's buffer with the data item it belongs to.</summary>
internal readonly record struct BufferedObservation(Observation Observation, SimDataItem Item);
