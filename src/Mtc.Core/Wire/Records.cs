using System.Text.Json;

namespace Mtc.Core.Wire;

/// <summary>One MTConnect observation as the edge collected it.</summary>
public sealed record ObservationRecord : WireRecord
{
    public required string MachineId { get; init; }
    public string? InstanceId { get; init; }
    public long Sequence { get; init; }
    public required string DataItemId { get; init; }
    public string? Name { get; init; }

    /// <summary><c>SAMPLE</c>, <c>EVENT</c> or <c>CONDITION</c>.</summary>
    public string? Category { get; init; }
    public string? Type { get; init; }
    public string? SubType { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public string? Value { get; init; }

    // Conditions only (nativeCode also for a message or an alarm that has one)
    public string? Level { get; init; }
    public string? NativeCode { get; init; }
    public string? NativeSeverity { get; init; }
    public string? Qualifier { get; init; }
    public string? ConditionId { get; init; }
}

/// <summary>A machine's device model (the probe document's XML text).</summary>
public sealed record DeviceModelRecord : WireRecord
{
    public required string MachineId { get; init; }
    public string? Uuid { get; init; }
    public string? Name { get; init; }
    public required string Document { get; init; }
}

/// <summary>An event the edge's analytics derived (cycle, setup, alarm, status, part).</summary>
public sealed record DerivedEventRecord : WireRecord
{
    public required string MachineId { get; init; }
    public required DerivedEvent Event { get; init; }
}

/// <summary>Data the edge knows it lost. <see cref="Missed"/> is null when the count is unknown.</summary>
public sealed record GapRecord : WireRecord
{
    /// <summary>The machine the gap concerns; null when it concerns several (see <see cref="Machines"/>) or none.</summary>
    public string? MachineId { get; init; }
    public required string Source { get; init; }

    /// <summary>The agent instance whose sequences <see cref="FromSequence"/> and <see cref="ToSequence"/> count.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Every machine the gap concerns when their sequences are shared (the devices of one agent).</summary>
    public IReadOnlyList<string>? Machines { get; init; }
    public long? Missed { get; init; }
    public long? FromSequence { get; init; }
    public long? ToSequence { get; init; }
    public required string Reason { get; init; }
}

/// <summary>The edge's own status at a moment (free-form data).</summary>
public sealed record EdgeStatusRecord : WireRecord
{
    public required DateTimeOffset Timestamp { get; init; }
    public JsonElement? Data { get; init; }
}

/// <summary>
/// A derived event. <see cref="Type"/> is one of <see cref="DerivedEventTypes"/>; <see cref="Data"/> depends on
/// it (for a cycle, the fields of <see cref="CycleData"/>).
/// </summary>
// End and Data default to null so that an event still open (written without "end") reads back: the context omits nulls when writing.
public sealed record DerivedEvent(string Id, string Type, DateTimeOffset Start, DateTimeOffset? End = null, JsonElement? Data = null);

public static class DerivedEventTypes
{
    public const string Cycle = "cycle";
    public const string Setup = "setup";
    public const string Alarm = "alarm";
    public const string Status = "status";
    public const string Part = "part";
}

/// <summary>The data of a <c>cycle</c> event.</summary>
public sealed record CycleData(
    double DurationSeconds,
    double? ActiveSeconds,
    double? InterruptedSeconds,
    string? Program,
    long? Parts,
    string? Completion);
