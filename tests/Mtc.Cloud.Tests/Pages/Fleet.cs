using System.Text;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Pages;

/// <summary>Machine states as the edge posts them for the page tests: an open status interval, a cycle with its program and a part counter.</summary>
public static class Fleet
{
    public sealed record Machine(string Id, string Status, string Program, long Parts);

    /// <summary>Registers the machines under edge plant-1 and posts, per machine, a cycle then the status running now.</summary>
    public static async Task PostAsync(HttpClient edge, IReadOnlyList<Machine> machines, long firstSeq, DateTimeOffset at)
    {
        var body = JsonSerializer.Serialize(new { edgeId = "plant-1", machines = machines.Select(m => m.Id).ToArray() });
        using (var setup = await edge.PostAsync("/api/ext/setup", new StringContent(body, Encoding.UTF8, "application/json")))
        {
            Assert.True(setup.IsSuccessStatusCode, await setup.Content.ReadAsStringAsync());
        }
        var seq = firstSeq;
        var records = new List<WireRecord>();
        foreach (var m in machines)
        {
            var t = at.UtcDateTime;
            MachineEvent[] events =
            [
                new MachineCycle { Id = $"{m.Id}:1:{seq}:cycle", Start = t.AddMinutes(-5), End = t.AddMinutes(-1), StartSequence = seq, DurationSeconds = 240, ActiveSeconds = 240, Program = m.Program, Parts = 1, Completion = CycleCompletion.Completed },
                new PartsProduced { Id = $"{m.Id}:1:{seq + 1}:part", Start = t.AddMinutes(-1), End = t.AddMinutes(-1), StartSequence = seq + 1, Count = 1, Counter = m.Parts },
                new StatusInterval { Id = $"{m.Id}:1:{seq + 2}:status", Start = t, End = null, InstanceId = "1", StartSequence = seq + 2, Status = m.Status, Seconds = 0 },
            ];
            foreach (var e in events)
            {
                records.Add(new DerivedEventRecord
                {
                    Seq = seq++,
                    MachineId = m.Id,
                    Event = new DerivedEvent(e.Id, e.Type, new DateTimeOffset(e.Start, TimeSpan.Zero),
                        e.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, e.ToData()),
                });
            }
        }
        await Batches.PostOkAsync(edge, new IngestBatch("plant-1", "s1", firstSeq, seq - 1, records));
    }
}
