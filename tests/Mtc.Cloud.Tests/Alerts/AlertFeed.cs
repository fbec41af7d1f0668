using System.Text.Json;
using Mtc.Cloud.Storage;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Alerts;

/// <summary>Feeds a store what an edge sends (derived events, gaps, observations), one batch per call, in stream order.</summary>
internal sealed class AlertFeed(ICloudStore store, string tenant, string edge = "edge-1", string stream = "s1")
{
    private long _seq;

    public Task SendAsync(DateTimeOffset receivedAt, params WireRecord[] records)
    {
        var numbered = records.Select(r => r with { Seq = ++_seq }).ToList();
        return store.IngestAsync(tenant, new IngestBatch(edge, stream, numbered[0].Seq, numbered[^1].Seq, numbered), receivedAt, CancellationToken.None);
    }

    public static DerivedEventRecord Status(string machine, string status, DateTimeOffset start, DateTimeOffset? end = null) =>
        Event(machine, $"{machine}:0:{start.Ticks}:status.{status}", DerivedEventTypes.Status, start, end, new { status, seconds = 0 });

    public static DerivedEventRecord Alarm(string machine, string id, string level, DateTimeOffset start, DateTimeOffset? end = null) =>
        Event(machine, id, DerivedEventTypes.Alarm, start, end,
            new { nativeCode = "E" + id, level, message = "Spindle overload " + id, dataItemId = "logic", durationSeconds = 0, ongoing = end is null });

    public static DerivedEventRecord Part(string machine, DateTimeOffset at, long counter) =>
        Event(machine, $"{machine}:0:{at.Ticks}:part", DerivedEventTypes.Part, at, at, new { count = 1, counter, reset = false });

    public static DerivedEventRecord Cycle(string machine, string id, DateTimeOffset start, double? seconds) =>
        Event(machine, id, DerivedEventTypes.Cycle, start, seconds is { } s ? start.AddSeconds(s) : null,
            new { durationSeconds = seconds ?? 0, activeSeconds = seconds ?? 0, interruptedSeconds = 0, program = "O1", parts = 1, completion = seconds is null ? null : "COMPLETED" });

    public static GapRecord Gap(string machine, long missed) =>
        new() { Seq = 0, MachineId = machine, Source = "agent", Missed = missed, Reason = "OUT_OF_RANGE" };

    public static ObservationRecord Observation(string machine, DateTimeOffset at, string value) => new()
    {
        Seq = 0, MachineId = machine, DataItemId = "exec", Type = "EXECUTION", Category = "EVENT", Timestamp = at, Value = value, Sequence = at.Ticks,
    };

    private static DerivedEventRecord Event(string machine, string id, string type, DateTimeOffset start, DateTimeOffset? end, object data) => new()
    {
        Seq = 0,
        MachineId = machine,
        Event = new DerivedEvent(id, type, start, end, JsonSerializer.SerializeToElement(data)),
    };
}
