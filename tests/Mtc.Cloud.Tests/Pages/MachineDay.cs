using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Pages;

/// <summary>Derived events of one machine as the edge posts them, for the machine page and the per-machine event read.</summary>
public static class MachineDay
{
    public static StatusInterval Status(string id, DateTime start, DateTime? end, string status) =>
        new() { Id = id, Start = start, End = end, InstanceId = "1", Status = status, Seconds = end is { } e ? (e - start).TotalSeconds : 0 };

    public static MachineCycle Cycle(string id, DateTime start, double seconds, string program = "O1000") =>
        new()
        {
            Id = id, Start = start, End = start.AddSeconds(seconds), DurationSeconds = seconds, ActiveSeconds = seconds, Program = program,
            Parts = 1, Completion = CycleCompletion.Completed,
        };

    public static PartsProduced Part(string id, DateTime at, long counter) => new() { Id = id, Start = at, End = at, Count = 1, Counter = counter };

    public static AlarmPeriod Alarm(string id, DateTime start, DateTime? end, string code, string message) =>
        new() { Id = id, Start = start, End = end, NativeCode = code, Level = "FAULT", Message = message, DataItemId = "logic" };

    /// <summary>Posts the events as one batch of stream <paramref name="stream"/> from <paramref name="firstSeq"/>; returns the next seq.</summary>
    public static async Task<long> PostAsync(HttpClient edge, string machine, long firstSeq, IEnumerable<MachineEvent> events, string stream = "s1")
    {
        var seq = firstSeq;
        var records = events.Select(e => (WireRecord)new DerivedEventRecord
        {
            Seq = seq++,
            MachineId = machine,
            Event = new DerivedEvent(e.Id, e.Type, new DateTimeOffset(e.Start, TimeSpan.Zero),
                e.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, e.ToData()),
        }).ToList();
        await Batches.PostOkAsync(edge, new IngestBatch("plant-1", stream, firstSeq, seq - 1, records));
        return seq;
    }
}
