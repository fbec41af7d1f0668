using System.IO.Compression;
using System.Text.Json;
using Mtc.Core.Analytics;
using Mtc.Core.Model;
using Mtc.Core.Xml;
using Mtc.Edge.Analytics;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Tests.Analytics;

/// <summary>
/// The edge's analytics write path over a real log: observations, derived events and analyzer state in one outbox
/// transaction, with restarts (and crashes that lose uncommitted work) in the middle of cycles.
/// </summary>
public sealed class SourceAnalyticsTests : IDisposable
{
    private const string Source = "adapter:okuma";
    private const string Machine = "OKUMA";
    private const string Instance = "1700000000";
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "TestData", "cppagent", "demo", "agent");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Restarts_and_crashes_mid_cycle_neither_lose_nor_duplicate_derived_events()
    {
        var device = OkumaDevice();
        List<Observation> observations;
        using (var log = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(Dir, "okuma.txt.gz")), CompressionMode.Decompress)))
        {
            observations = [.. new ShdrDeviceFeed(device).Read(log)];
        }

        // One uninterrupted pass: what the edge must derive, closed events and open ones (no end) in the order it sends them.
        var reference = new MachineAnalyzer(device);
        var expected = new List<MachineEvent>();
        foreach (var o in observations)
        {
            reference.Observe(o, Instance);
            expected.AddRange(reference.TakeEvents());
            expected.AddRange(reference.TakeOpenEvents());
        }
        var expectedCycles = expected.Where(e => e.Type == MachineEventType.Cycle && e.End is not null).ToList();
        Assert.Equal(4, expectedCycles.Count);

        // Stop the edge 25 observations after each cycle starts, so every restart lands inside an open cycle.
        // Every other stop is a crash: 40 more observations are analyzed but never committed.
        var stops = expectedCycles.Select(c => observations.FindIndex(o => o.Sequence > c.StartSequence) + 25).ToList();
        var openAtStop = new List<bool>();
        for (var run = 0; run <= stops.Count; run++)
        {
            using var outbox = OutboxStore.Open(_dir.Path, 1L << 34, "NORMAL");
            var cursor = outbox.GetCursor(Source);
            var analytics = new SourceAnalytics(cursor?.AnalyticsState);
            analytics.SetDevice(Machine, device);
            var start = observations.FindIndex(o => o.Sequence >= (cursor?.NextSequence ?? 1));
            var stop = run < stops.Count ? stops[run] : observations.Count;
            for (var i = start; i < stop; i += 300)
            {
                var entries = new List<OutboxEntry>();
                var end = Math.Min(stop, i + 300);
                foreach (var o in observations.Skip(i).Take(end - i))
                {
                    entries.Add(new OutboxEntry("observation", Machine, o.Sequence, false, RecordPayloads.Observation(Machine, Instance, o)));
                    analytics.Observe(Machine, o, Instance, entries);
                }
                outbox.Append(Source, new SourceCursor(Instance, observations[end - 1].Sequence + 1, analytics.Save()), entries);
            }
            if (run < stops.Count)
            {
                // The cycle was sent open (no end) and not yet closed.
                var sent = DerivedEvents(outbox).Where(e => e.Id == expectedCycles[run].Id).ToList();
                openAtStop.Add(sent.Count == 1 && sent[0].End is null);
                if (run % 2 == 1)
                {
                    var lost = new List<OutboxEntry>();
                    foreach (var o in observations.Skip(stop).Take(40))
                    {
                        analytics.Observe(Machine, o, Instance, lost); // the crash: never appended
                    }
                }
            }
        }

        Assert.All(openAtStop, Assert.True);
        using var final = OutboxStore.Open(_dir.Path, 1L << 34, "NORMAL");
        var derived = DerivedEvents(final);
        Assert.Equal(observations.Count, final.ReadBatch(int.MaxValue, int.MaxValue).Count(r => r.Kind == "observation"));
        Assert.Equal(expected.Select(e => (e.Id, e.End is null)), derived.Select(e => (e.Id, e.End is null)));
        Assert.Equal(derived.Count(e => e.End is null), derived.Where(e => e.End is null).Select(e => e.Id).Distinct().Count());
        Assert.Equal(derived.Count(e => e.End is not null), derived.Where(e => e.End is not null).Select(e => e.Id).Distinct().Count());
        Assert.Contains(derived, e => e.Type == "cycle" && e.End is null);
        Assert.Contains(derived, e => e.Type == "status" && e.End is null);
        var cycles = derived.Where(e => e.Type == "cycle" && e.End is not null).ToList();
        Assert.Equal(expectedCycles.Select(c => c.Id), cycles.Select(c => c.Id));
        Assert.Equal(expectedCycles.Select(c => new DateTimeOffset(DateTime.SpecifyKind(c.Start, DateTimeKind.Utc))), cycles.Select(c => c.Start));
        Assert.Equal(
            expectedCycles.Select(c => ((MachineCycle)c).DurationSeconds),
            cycles.Select(c => c.Data.GetProperty("durationSeconds").GetDouble()));
    }

    [Fact]
    public void A_changed_device_model_starts_the_machine_fresh_and_the_same_model_continues()
    {
        var device = OkumaDevice();
        var analytics = new SourceAnalytics(null);
        analytics.SetDevice(Machine, device);
        var saved = analytics.Save();

        var same = new SourceAnalytics(saved);
        same.SetDevice(Machine, device);
        Assert.Equal(0, same.DiscardedStates);

        var changed = device with { DataItems = [.. device.DataItems, new DataItem { Id = "extra", Type = "PART_COUNT", Category = DataItemCategory.Event }] };
        var other = new SourceAnalytics(saved);
        other.SetDevice(Machine, changed);
        Assert.Equal(1, other.DiscardedStates);

        var garbage = new SourceAnalytics("not json"u8.ToArray());
        garbage.SetDevice(Machine, device);
        Assert.Equal(0, garbage.DiscardedStates);
    }

    [Fact]
    public void A_changed_device_model_ends_what_was_sent_open_exactly_once_even_across_a_crash()
    {
        var device = OkumaDevice();
        var observations = OkumaObservations(device);
        var analytics = new SourceAnalytics(null);
        analytics.SetDevice(Machine, device);
        var before = new List<OutboxEntry>();
        // Up to the middle of the first cycle: status, cycle (and perhaps alarms) are open and were sent open.
        var firstActive = observations.FindIndex(o => o.Value == "ACTIVE");
        foreach (var o in observations.Take(firstActive + 200))
        {
            analytics.Observe(Machine, o, Instance, before);
        }
        var sent = Events(before);
        var stillOpen = sent.Where(e => e.End is null).Select(e => e.Id).Except(sent.Where(e => e.End is not null).Select(e => e.Id)).ToList();
        Assert.Contains(stillOpen, id => id.EndsWith(":cycle", StringComparison.Ordinal));

        // Restart with another model; the process dies before anything is appended: the ended events wait in the state.
        var changed = device with { DataItems = [.. device.DataItems, new DataItem { Id = "extra", Type = "PART_COUNT", Category = DataItemCategory.Event }] };
        var restarted = new SourceAnalytics(analytics.Save());
        restarted.SetDevice(Machine, changed);
        Assert.Equal(1, restarted.DiscardedStates);
        var afterCrash = new SourceAnalytics(restarted.Save());
        afterCrash.SetDevice(Machine, changed);
        Assert.Equal(0, afterCrash.DiscardedStates);

        var after = new List<OutboxEntry>();
        afterCrash.Observe(Machine, observations[firstActive + 200], Instance, after);
        var ended = Events(after).Where(e => e.End is not null).ToList();
        // Every event sent open now has its end, once; the cycle ends partial.
        Assert.Equal(stillOpen.Order(StringComparer.Ordinal), ended.Select(e => e.Id).Where(stillOpen.Contains).Order(StringComparer.Ordinal));
        Assert.Equal(ended.Count, ended.Select(e => e.Id).Distinct().Count());
        Assert.Equal("partial", ended.Single(e => e.Type == "cycle").Data.GetProperty("completion").GetString());
        var more = new List<OutboxEntry>();
        afterCrash.Observe(Machine, observations[firstActive + 201], Instance, more);
        Assert.DoesNotContain(Events(more), e => stillOpen.Contains(e.Id));
        Assert.DoesNotContain("\"ended\":", System.Text.Encoding.UTF8.GetString(afterCrash.Save()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_commit_stores_the_state_of_the_machines_it_changed_only_and_the_outbox_gives_back_every_machine()
    {
        var device = OkumaDevice();
        var observations = OkumaObservations(device);
        string[] machines = ["M1", "M2", "M3"];
        var analytics = new SourceAnalytics(null);
        foreach (var m in machines)
        {
            analytics.SetDevice(m, device);
        }
        using var outbox = OutboxStore.Open(_dir.Path, 1L << 34, "NORMAL");
        var entries = new List<OutboxEntry>();
        foreach (var o in observations.Take(500))
        {
            foreach (var m in machines)
            {
                analytics.Observe(m, o, Instance, entries);
            }
        }
        var first = analytics.SaveChanges();
        Assert.True(first.Full);
        Assert.Equal(machines, first.Machines.Select(p => p.Key));
        outbox.Append(Source, new SourceCursor(Instance, observations[499].Sequence + 1, Machines: first), entries);

        // A later commit in which only M2 sent data writes M2's state alone.
        entries.Clear();
        foreach (var o in observations.Skip(500).Take(300))
        {
            analytics.Observe("M2", o, Instance, entries);
        }
        var second = analytics.SaveChanges();
        Assert.False(second.Full);
        Assert.Equal(["M2"], second.Machines.Select(p => p.Key));
        outbox.Append(Source, new SourceCursor(Instance, observations[799].Sequence + 1, Machines: second), entries);
        Assert.Empty(analytics.SaveChanges().Machines);

        // What the outbox gives back is every machine's state as of the last commit: the same blob Save gives.
        var stored = outbox.GetCursor(Source)!;
        Assert.Equal(observations[799].Sequence + 1, stored.NextSequence);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(analytics.Save()), System.Text.Encoding.UTF8.GetString(stored.AnalyticsState!));
        var resumed = new SourceAnalytics(stored.AnalyticsState);
        foreach (var m in machines)
        {
            resumed.SetDevice(m, device);
        }
        Assert.Equal(0, resumed.DiscardedStates);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(analytics.Save()), System.Text.Encoding.UTF8.GetString(resumed.Save()));
    }

    [Fact]
    public void A_state_saved_as_one_blob_with_escaped_states_by_an_older_edge_is_continued()
    {
        var device = OkumaDevice();
        var analytics = new SourceAnalytics(null);
        analytics.SetDevice(Machine, device);
        var entries = new List<OutboxEntry>();
        foreach (var o in OkumaObservations(device).Take(400))
        {
            analytics.Observe(Machine, o, Instance, entries);
        }
        // The older form: each machine's state a JSON string inside the object.
        var current = JsonDocument.Parse(analytics.Save()).RootElement.GetProperty(Machine);
        var older = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            [Machine] = new Dictionary<string, string> { ["model"] = current.GetProperty("model").GetString()!, ["state"] = current.GetProperty("state").GetRawText() },
        });

        var resumed = new SourceAnalytics(older);
        resumed.SetDevice(Machine, device);
        Assert.Equal(0, resumed.DiscardedStates);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(analytics.Save()), System.Text.Encoding.UTF8.GetString(resumed.Save()));
    }

    private static List<Observation> OkumaObservations(Device device)
    {
        using var log = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(Dir, "okuma.txt.gz")), CompressionMode.Decompress));
        return [.. new ShdrDeviceFeed(device).Read(log)];
    }

    private static List<Derived> Events(List<OutboxEntry> entries) =>
        [.. entries.Where(e => e.Kind == "derivedEvent").Select(e => Parse(e.Payload))];

    private static Device OkumaDevice()
    {
        using var file = File.OpenRead(Path.Combine(Dir, "Devices.xml"));
        return MtConnectXml.ReadDevices(file).Devices.Single(d => d.Name == Machine);
    }

    private static List<Derived> DerivedEvents(OutboxStore outbox) =>
        [.. outbox.ReadBatch(int.MaxValue, int.MaxValue).Where(r => r.Kind == "derivedEvent").Select(r => Parse(r.Payload))];

    private static Derived Parse(byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var e = doc.RootElement.GetProperty("event");
        Assert.Equal(Machine, doc.RootElement.GetProperty("machineId").GetString());
        return new Derived(e.GetProperty("id").GetString()!, e.GetProperty("type").GetString()!,
            e.GetProperty("start").GetDateTimeOffset(), e.GetProperty("end").ValueKind == JsonValueKind.Null ? null : e.GetProperty("end").GetDateTimeOffset(),
            e.GetProperty("data").Clone());
    }

    private sealed record Derived(string Id, string Type, DateTimeOffset Start, DateTimeOffset? End, JsonElement Data);
}
