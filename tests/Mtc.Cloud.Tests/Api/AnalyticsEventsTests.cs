using System.Text;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Api;

/// <summary>Derived events of every type, as the edge sends them (the analytics types' own data), read back through <c>/api/ext/events</c>.</summary>
public abstract class AnalyticsEventsTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly DateTime T0 = Batches.T0.UtcDateTime;

    /// <summary>A realistic stretch of a lathe: idle, a cycle with its parts, an alarm, a setup, idle again.</summary>
    private static List<MachineEvent> Derived() => Derived(T0);

    private static List<MachineEvent> Derived(DateTime t0) =>
    [
        new StatusInterval { Id = "m1:1700000000:10:status", Start = t0, End = t0.AddMinutes(5), InstanceId = "1700000000", StartSequence = 10, Status = MachineStatus.Idle, Seconds = 300 },
        new StatusInterval { Id = "m1:1700000000:20:status", Start = t0.AddMinutes(5), End = t0.AddMinutes(9), StartSequence = 20, Status = MachineStatus.Active, Seconds = 240 },
        new MachineCycle { Id = "m1:1700000000:20:cycle", Start = t0.AddMinutes(5), End = t0.AddMinutes(9), StartSequence = 20, DurationSeconds = 240, ActiveSeconds = 230, InterruptedSeconds = 10, Program = "O1234", Parts = 2, Completion = CycleCompletion.Completed },
        new PartsProduced { Id = "m1:1700000000:31:part", Start = t0.AddMinutes(9), End = t0.AddMinutes(9), StartSequence = 31, Count = 2, Counter = 44 },
        new AlarmPeriod { Id = "m1:1700000000:35:alarm", Start = t0.AddMinutes(10), End = t0.AddMinutes(12), StartSequence = 35, NativeCode = "2041", Level = "FAULT", Message = "Spindle overload", DataItemId = "spindle_cond", ConditionType = "LOAD", DurationSeconds = 120 },
        new StatusInterval { Id = "m1:1700000000:35:status", Start = t0.AddMinutes(10), End = t0.AddMinutes(12), StartSequence = 35, Status = MachineStatus.Alarm, Seconds = 120 },
        new SetupPeriod { Id = "m1:1700000000:40:setup", Start = t0.AddMinutes(12), End = t0.AddMinutes(30), StartSequence = 40, Source = SetupSource.Derived, DurationSeconds = 1080, Program = "O2000" },
        new StatusInterval { Id = "m1:1700000000:60:status", Start = t0.AddMinutes(30), End = t0.AddMinutes(45), StartSequence = 60, Status = MachineStatus.Idle, Seconds = 900 },
    ];

    private static IngestBatch Batch(List<MachineEvent> events, long firstSeq = 1)
    {
        var records = events.Select((e, i) => (WireRecord)new DerivedEventRecord
        {
            Seq = firstSeq + i,
            MachineId = "m1",
            Event = new DerivedEvent(e.Id, e.Type, new DateTimeOffset(e.Start, TimeSpan.Zero),
                e.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, e.ToData()),
        }).ToList();
        records.Add(new GapRecord { Seq = firstSeq + records.Count, MachineId = "m1", Source = "agent", Missed = 12, FromSequence = 50, ToSequence = 61, Reason = "buffer overrun" });
        return new IngestBatch("plant-1", "s1", firstSeq, firstSeq + records.Count - 1, records);
    }

    [Fact]
    public async Task Events_returns_every_derived_type_with_its_data_in_order()
    {
        var derived = Derived();
        await Batches.PostOkAsync(Edge, Batch(derived));
        var items = (await Batches.GetJsonAsync(Reader, "/api/ext/events?limit=100")).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(derived.Count + 1, items.Count);
        for (var i = 0; i < derived.Count; i++)
        {
            var e = derived[i];
            var item = items[i];
            Assert.Equal(e.Id, item.GetProperty("id").GetString());
            Assert.Equal(e.Type, item.GetProperty("type").GetString());
            Assert.Equal("edge", item.GetProperty("source").GetString());
            Assert.Equal("m1", item.GetProperty("machineId").GetString());
            Assert.Equal("plant-1", item.GetProperty("edgeId").GetString());
            Assert.Equal(e.Start, item.GetProperty("start").GetDateTimeOffset().UtcDateTime);
            Assert.Equal(e.End, item.GetProperty("end").GetDateTimeOffset().UtcDateTime);
            // The data comes back field for field as the analytics wrote it.
            var expected = e.ToData().EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
            var actual = item.GetProperty("data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
            Assert.Equal(expected, actual);
        }
        var gap = items[^1];
        Assert.Equal("gap", gap.GetProperty("type").GetString());
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("cursor").GetString()).Distinct().Count());

        var alarm = Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/events?type=alarm")).GetProperty("items").EnumerateArray());
        Assert.Equal("2041", alarm.GetProperty("data").GetProperty("nativeCode").GetString());
        Assert.Equal("Spindle overload", alarm.GetProperty("data").GetProperty("message").GetString());
        var statuses = (await Batches.GetJsonAsync(Reader, "/api/ext/events?type=status")).GetProperty("items").EnumerateArray()
            .Select(s => s.GetProperty("data").GetProperty("status").GetString()).ToList();
        Assert.Equal(["IDLE", "ACTIVE", "ALARM", "IDLE"], statuses);
        var setup = Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/events?type=setup")).GetProperty("items").EnumerateArray());
        Assert.Equal("derived", setup.GetProperty("data").GetProperty("source").GetString());
        var part = Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/events?type=part")).GetProperty("items").EnumerateArray());
        Assert.Equal(2, part.GetProperty("data").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Events_after_a_cursor_include_later_derived_and_external_events_only()
    {
        await SetUpMachineAsync();
        var derived = Derived();
        await Batches.PostOkAsync(Edge, Batch(derived));
        var first = await Batches.GetJsonAsync(Reader, "/api/ext/events?limit=3");
        Assert.Equal(derived.Take(3).Select(e => e.Id), first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var cursor = first.GetProperty("nextCursor").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event")
        {
            Content = new StringContent("""{"machineId":"m1","type":"downtime_reason","timestamp":"2026-11-27T08:10:00Z","data":{"reason":"tool change"}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "k-downtime-1");
        using (var posted = await Writer.SendAsync(request))
        {
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }

        var rest = (await Batches.GetJsonAsync(Reader, "/api/ext/events?limit=100&cursor=" + cursor)).GetProperty("items").EnumerateArray().ToList();
        var expectedIds = derived.Skip(3).Select(e => e.Id).ToList();
        Assert.Equal(expectedIds, rest.Take(expectedIds.Count).Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(["gap", "downtime_reason"], rest.Skip(expectedIds.Count).Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("external", rest[^1].GetProperty("source").GetString());
    }

    [Fact]
    public async Task The_machine_list_pages_by_id_and_shows_each_machines_status_parts_program_and_open_alarm()
    {
        await SetUpMachinesAsync("m1", "m2", "m3");
        // m1: the stretch above, then an open Fault (no end) and a Warning; the Fault is the alarm shown.
        var open = new List<MachineEvent>
        {
            new AlarmPeriod { Id = "m1:1700000000:70:alarm", Start = T0.AddMinutes(50), StartSequence = 70, NativeCode = "1001", Level = "WARNING", Message = "Coolant low", DataItemId = "coolant_cond", DurationSeconds = 60 },
            new AlarmPeriod { Id = "m1:1700000000:71:alarm", Start = T0.AddMinutes(49), StartSequence = 71, NativeCode = "2042", Level = "FAULT", Message = "Axis overtravel", DataItemId = "x_cond", DurationSeconds = 90 },
        };
        await Batches.PostOkAsync(Edge, Batch([.. Derived(), .. open]));

        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await Batches.GetJsonAsync(Reader, "/api/ext/machines?limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(["m1", "m2", "m3"], items.Select(i => i.GetProperty("id").GetString()));
        var m1 = items[0];
        Assert.Equal(MachineStatus.Idle, m1.GetProperty("status").GetString());
        Assert.Equal(T0.AddMinutes(30), m1.GetProperty("statusSince").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(44, m1.GetProperty("partCount").GetInt64());
        Assert.Equal("O1234", m1.GetProperty("program").GetString());
        var alarm = m1.GetProperty("alarm");
        Assert.Equal("2042", alarm.GetProperty("code").GetString());
        Assert.Equal("FAULT", alarm.GetProperty("level").GetString());
        Assert.Equal("Axis overtravel", alarm.GetProperty("message").GetString());
        Assert.Equal(T0.AddMinutes(49), alarm.GetProperty("since").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("alarm").ValueKind);
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("status").ValueKind);
        // The machine's own state shows the same alarm.
        var state = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        Assert.Equal("2042", state.GetProperty("alarm").GetProperty("code").GetString());

        using var bad = await Reader.GetAsync("/api/ext/machines?cursor=not-a-cursor");
        await Batches.ProblemAsync(bad, 400, "invalid-request");
    }

    [Fact]
    public async Task Machine_state_reads_status_parts_program_and_recent_cycles_from_derived_events()
    {
        var t0 = DateTime.UtcNow.AddHours(-2);
        t0 = new DateTime(t0.Year, t0.Month, t0.Day, t0.Hour, t0.Minute, t0.Second, DateTimeKind.Utc);
        await Batches.PostOkAsync(Edge, Batch(Derived(t0)));
        // Twelve earlier cycles (an hour before), so that the average covers only the latest ten (with the one above).
        double[] durations = [500, 410, 95, 120, 300, 260, 180, 75, 333, 240, 199, 150];
        var cycles = durations.Select((d, k) => (MachineEvent)new MachineCycle
        {
            Id = $"m1:1700000000:{100 + k}:cycle", Start = t0.AddHours(-1).AddMinutes(4 * k), End = t0.AddHours(-1).AddMinutes(4 * k).AddSeconds(d),
            StartSequence = 100 + k, DurationSeconds = d, ActiveSeconds = d, Program = "O9", Parts = 1, Completion = CycleCompletion.Completed,
        }).ToList();
        await Batches.PostOkAsync(Edge, Batch(cycles, 100));

        var state = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        // The latest status interval is IDLE from t0 + 30 min: idle for about 90 minutes now.
        Assert.Equal("IDLE", state.GetProperty("status").GetString());
        Assert.Equal(t0.AddMinutes(30), state.GetProperty("statusSince").GetDateTimeOffset().UtcDateTime);
        Assert.InRange(state.GetProperty("idleMinutes").GetDouble(), 89.5, 24 * 60);
        // No PROGRAM or PART_COUNT observation: the last cycle's program and the part event's counter.
        Assert.Equal("O1234", state.GetProperty("program").GetString());
        Assert.Equal(44, state.GetProperty("partCount").GetInt64());
        Assert.Equal(240, state.GetProperty("lastCycle").GetProperty("durationSeconds").GetDouble());
        var latestTen = durations.Skip(durations.Length - 9).Append(240.0).ToList();
        Assert.Equal(10, state.GetProperty("recentCycles").GetInt32());
        Assert.Equal(latestTen.Sum() / 10, state.GetProperty("averageCycleSeconds").GetDouble(), 6);
    }

    [Fact]
    public async Task Machine_state_without_analytics_falls_back_to_the_execution_value()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-20);
        await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s1", 1, 1,
        [
            new ObservationRecord { Seq = 1, MachineId = "m1", DataItemId = "exec", Type = "EXECUTION", Category = "EVENT", Sequence = 1, Timestamp = t, Value = "STOPPED" },
        ]));
        var state = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        Assert.Equal("STOPPED", state.GetProperty("status").GetString());
        Assert.Equal(t.UtcDateTime, state.GetProperty("statusSince").GetDateTimeOffset().UtcDateTime, TimeSpan.FromMilliseconds(1));
        Assert.InRange(state.GetProperty("idleMinutes").GetDouble(), 19.5, 24 * 60);
        Assert.Equal(JsonValueKind.Null, state.GetProperty("averageCycleSeconds").ValueKind);
        Assert.Equal(0, state.GetProperty("recentCycles").GetInt32());
    }

    /// <summary>Declares m1 on plant-1, so external events for it are accepted.</summary>
    private Task SetUpMachineAsync() => SetUpMachinesAsync("m1");

    private async Task SetUpMachinesAsync(params string[] machines)
    {
        var body = JsonSerializer.Serialize(new { edgeId = "plant-1", machines });
        using var setup = await Edge.PostAsync("/api/ext/setup", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(setup.IsSuccessStatusCode);
    }

    private async Task DeclareAsync(string key, string type, DateTime at, string data = "{}")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event")
        {
            Content = new StringContent(
                $$"""{"machineId":"m1","type":"{{type}}","timestamp":"{{at:yyyy-MM-ddTHH:mm:ssZ}}","data":{{data}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Writer.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Setups_merge_derived_and_declared_periods_by_start_time()
    {
        await SetUpMachineAsync();
        await Batches.PostOkAsync(Edge, Batch(Derived()));
        // Posted out of time order: pairing follows the timestamps. The end at 08:01 has no start before it.
        await DeclareAsync("k1", "setup_end", T0.AddMinutes(20));
        await DeclareAsync("k2", "setup_start", T0.AddMinutes(12), """{"job":"J-17"}""");
        await DeclareAsync("k3", "setup_end", T0.AddMinutes(1));
        await DeclareAsync("k4", "setup_start", T0.AddMinutes(50), """{"job":"J-18"}""");

        var list = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/setups");
        Assert.Equal(1, list.GetProperty("unmatchedEnds").GetInt32());
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["derived", "declared", "declared"], items.Select(i => i.GetProperty("source").GetString()));
        Assert.Equal([T0.AddMinutes(12), T0.AddMinutes(12), T0.AddMinutes(50)], items.Select(i => i.GetProperty("start").GetDateTimeOffset().UtcDateTime));
        Assert.Equal(T0.AddMinutes(30), items[0].GetProperty("end").GetDateTimeOffset().UtcDateTime);
        Assert.Equal("O2000", items[0].GetProperty("program").GetString());
        Assert.Equal(T0.AddMinutes(20), items[1].GetProperty("end").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(480, items[1].GetProperty("durationSeconds").GetDouble());
        Assert.Equal("J-17", items[1].GetProperty("data").GetProperty("job").GetString());
        Assert.Equal(JsonValueKind.Null, items[2].GetProperty("end").ValueKind);
        Assert.Equal(JsonValueKind.Null, items[2].GetProperty("durationSeconds").ValueKind);
        Assert.Equal("J-18", items[2].GetProperty("data").GetProperty("job").GetString());

        // A range keeps the setups overlapping it; a declared start before the range still pairs with its end.
        var late = await Batches.GetJsonAsync(Reader, $"/api/ext/machines/m1/setups?from={T0.AddMinutes(25):yyyy-MM-ddTHH:mm:ssZ}");
        Assert.Equal([T0.AddMinutes(12), T0.AddMinutes(50)],
            late.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("start").GetDateTimeOffset().UtcDateTime));
        var early = await Batches.GetJsonAsync(Reader, $"/api/ext/machines/m1/setups?to={T0.AddMinutes(40):yyyy-MM-ddTHH:mm:ssZ}");
        Assert.Equal(["derived", "declared"], early.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("source").GetString()));

        using var missing = await Reader.GetAsync("/api/ext/machines/nope/setups");
        await Batches.ProblemAsync(missing, 404, "not-found");
        using var bad = await Reader.GetAsync("/api/ext/machines/m1/setups?from=yesterday");
        await Batches.ProblemAsync(bad, 400, "invalid-request");
    }

    [Fact]
    public async Task Timeline_shows_idle_inside_a_declared_setup_as_setup()
    {
        await SetUpMachineAsync();
        await Batches.PostOkAsync(Edge, Batch(Derived()));
        await DeclareAsync("k1", "setup_start", T0.AddMinutes(32));
        await DeclareAsync("k2", "setup_end", T0.AddMinutes(40));

        static string Row(JsonElement i) =>
            $"{i.GetProperty("start").GetDateTimeOffset().UtcDateTime:HH:mm}-{i.GetProperty("end").GetDateTimeOffset().UtcDateTime:HH:mm} " +
            $"{i.GetProperty("status").GetString()} {i.GetProperty("source").GetString()}";
        var all = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/timeline");
        Assert.Equal(
            ["08:00-08:05 IDLE derived", "08:05-08:09 ACTIVE derived", "08:10-08:12 ALARM derived", "08:30-08:32 IDLE derived",
             "08:32-08:40 SETUP declared", "08:40-08:45 IDLE derived"],
            all.GetProperty("items").EnumerateArray().Select(Row));
        var clipped = await Batches.GetJsonAsync(Reader,
            $"/api/ext/machines/m1/timeline?from={T0.AddMinutes(2):yyyy-MM-ddTHH:mm:ssZ}&to={T0.AddMinutes(35):yyyy-MM-ddTHH:mm:ssZ}");
        Assert.Equal(
            ["08:02-08:05 IDLE derived", "08:05-08:09 ACTIVE derived", "08:10-08:12 ALARM derived", "08:30-08:32 IDLE derived", "08:32-08:35 SETUP declared"],
            clipped.GetProperty("items").EnumerateArray().Select(Row));
        using var missing = await Reader.GetAsync("/api/ext/machines/nope/timeline");
        await Batches.ProblemAsync(missing, 404, "not-found");
    }
}

public sealed class AnalyticsEventsTests_Sqlite() : AnalyticsEventsTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class AnalyticsEventsTests_Postgres(PostgresServer server) : AnalyticsEventsTests(new PostgresBackend(server));
