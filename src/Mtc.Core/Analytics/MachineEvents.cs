using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mtc.Core.Analytics;

/// <summary>
/// Something the analytics derived from a machine's observations (the wire calls it a derived event). The id is deterministic
/// (<c>device:instanceId:startSequence:kind</c>, instanceId 0 when the source has none), so replaying the same observations yields the same ids.
/// <see cref="WriteData"/> writes the wire's <c>derivedEvent.event.data</c> object.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(StatusInterval), MachineEventType.Status)]
[JsonDerivedType(typeof(MachineCycle), MachineEventType.Cycle)]
[JsonDerivedType(typeof(SetupPeriod), MachineEventType.Setup)]
[JsonDerivedType(typeof(AlarmPeriod), MachineEventType.Alarm)]
[JsonDerivedType(typeof(PartsProduced), MachineEventType.Part)]
public abstract record MachineEvent
{
    public required string Id { get; init; }
    public required DateTime Start { get; init; }
    /// <summary>Null while the event is still open (<see cref="MachineAnalyzer.TakeOpenEvents"/>); the closed event has the same id.</summary>
    public DateTime? End { get; init; }
    /// <summary>The agent instance the event started under; null for sources without one.</summary>
    public string? InstanceId { get; init; }
    public long StartSequence { get; init; }

    /// <summary>
    /// True when this was still running where it was reported: the input ended while it was open (its end is where the
    /// input ended), or it is an open event with no end yet (<see cref="MachineAnalyzer.TakeOpenEvents"/>).
    /// </summary>
    public bool Ongoing { get; init; }

    /// <summary>One of <see cref="MachineEventType"/>.</summary>
    [JsonIgnore]
    public abstract string Type { get; }

    /// <summary>Writes the type-specific fields as one JSON object.</summary>
    public abstract void WriteData(Utf8JsonWriter writer);

    /// <summary>The type-specific fields as a JSON element: the wire's <c>derivedEvent.event.data</c>.</summary>
    public JsonElement ToData()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteData(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}

/// <summary>A stretch of time in one status. Seconds follow the analytics clock (see docs/tools.md).</summary>
public sealed record StatusInterval : MachineEvent
{
    public override string Type => MachineEventType.Status;
    public required string Status { get; init; }
    public double Seconds { get; init; }

    public override void WriteData(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("status", Status);
        writer.WriteNumber("seconds", Seconds);
        writer.WriteEndObject();
    }
}

/// <summary>One machining cycle: duration is end minus start on the analytics clock; interrupted is the rest of it after active.</summary>
public sealed record MachineCycle : MachineEvent
{
    public override string Type => MachineEventType.Cycle;
    public double DurationSeconds { get; init; }
    public double ActiveSeconds { get; init; }
    public double InterruptedSeconds { get; init; }
    public string? Program { get; init; }
    public long Parts { get; init; }

    /// <summary>One of <see cref="CycleCompletion"/>; null while the cycle is open (<see cref="MachineEvent.End"/> null).</summary>
    public required string? Completion { get; init; }

    public override void WriteData(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("durationSeconds", DurationSeconds);
        writer.WriteNumber("activeSeconds", ActiveSeconds);
        writer.WriteNumber("interruptedSeconds", InterruptedSeconds);
        writer.WriteString("program", Program);
        writer.WriteNumber("parts", Parts);
        writer.WriteString("completion", Completion);
        writer.WriteEndObject();
    }
}

public sealed record SetupPeriod : MachineEvent
{
    public override string Type => MachineEventType.Setup;

    /// <summary>One of <see cref="SetupSource"/>.</summary>
    public required string Source { get; init; }
    public double DurationSeconds { get; init; }
    public string? Program { get; init; }

    public override void WriteData(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("source", Source);
        writer.WriteNumber("durationSeconds", DurationSeconds);
        writer.WriteString("program", Program);
        writer.WriteBoolean("ongoing", Ongoing);
        writer.WriteEndObject();
    }
}

/// <summary>A Fault or Warning condition, from the observation that raised its native code to the one that cleared it.</summary>
public sealed record AlarmPeriod : MachineEvent
{
    public override string Type => MachineEventType.Alarm;
    public string? NativeCode { get; init; }

    /// <summary><c>FAULT</c> or <c>WARNING</c>: the highest level the alarm reached.</summary>
    public required string Level { get; init; }
    public string? Message { get; init; }
    public string? NativeSeverity { get; init; }
    public required string DataItemId { get; init; }
    public string? ConditionType { get; init; }
    public double DurationSeconds { get; init; }

    public override void WriteData(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("nativeCode", NativeCode);
        writer.WriteString("level", Level);
        writer.WriteString("message", Message);
        writer.WriteString("nativeSeverity", NativeSeverity);
        writer.WriteString("dataItemId", DataItemId);
        writer.WriteString("conditionType", ConditionType);
        writer.WriteNumber("durationSeconds", DurationSeconds);
        writer.WriteBoolean("ongoing", Ongoing);
        writer.WriteEndObject();
    }
}

/// <summary>Parts counted at one part-count change: the increment, or after a reset the new value (counted from zero).</summary>
public sealed record PartsProduced : MachineEvent
{
    public override string Type => MachineEventType.Part;
    public long Count { get; init; }

    /// <summary>The counter value that was observed.</summary>
    public long Counter { get; init; }
    public bool Reset { get; init; }

    public override void WriteData(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("count", Count);
        writer.WriteNumber("counter", Counter);
        writer.WriteBoolean("reset", Reset);
        writer.WriteEndObject();
    }
}
