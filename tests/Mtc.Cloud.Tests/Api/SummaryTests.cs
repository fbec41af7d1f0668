using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// <c>/api/ext/machines/{id}/summary</c> and <c>/api/ext/fleet/summary</c> over a known shift: every expected number is worked
/// out by hand from the events below (times are minutes after 08:00 on <see cref="Batches.T0"/>).
/// </summary>
public abstract class SummaryTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly DateTime T0 = Batches.T0.UtcDateTime;

    private static DateTime At(int minutes) => T0.AddMinutes(minutes);

    private static StatusInterval Status(int seq, int from, int? to, string status) =>
        new() { Id = $"s:{seq}:status", Start = At(from), End = to is { } t ? At(t) : null, StartSequence = seq, Status = status, Seconds = ((to ?? from) - from) * 60 };

    private static MachineCycle Cycle(int seq, int from, int seconds, string completion) =>
        new() { Id = $"s:{seq}:cycle", Start = At(from), End = At(from).AddSeconds(seconds), StartSequence = seq, DurationSeconds = seconds, ActiveSeconds = seconds, Program = "O1", Parts = 1, Completion = completion };

    private static PartsProduced Part(int seq, int at, long count) =>
        new() { Id = $"s:{seq}:part", Start = At(at), End = At(at), StartSequence = seq, Count = count, Counter = seq };

    private static AlarmPeriod Alarm(int seq, int from, int? to, string level) =>
        new() { Id = $"s:{seq}:alarm", Start = At(from), End = to is { } t ? At(t) : null, StartSequence = seq, Level = level, DataItemId = "cond", NativeCode = "E" + seq };

    /// <summary>
    /// m1: IDLE 0-10, ACTIVE 10-40, ALARM 40-45, SETUP 45-55 (with a derived setup), IDLE 55-60, ACTIVE from 60 still running; its
    /// last observation at 80 is its last known time. Cycles 10 (600 s, completed), 20 (840 s, completed), 34 (360 s, aborted),
    /// 65 (420 s, completed); parts 1 at 20, 1 at 34, 2 at 72; alarms 40-45 and 42-44 (overlapping), 70 still open.
    /// </summary>
    private static readonly List<MachineEvent> M1 =
    [
        Status(1, 0, 10, MachineStatus.Idle), Status(2, 10, 40, MachineStatus.Active), Status(3, 40, 45, MachineStatus.Alarm),
        Status(4, 45, 55, MachineStatus.Setup), Status(5, 55, 60, MachineStatus.Idle), Status(6, 60, null, MachineStatus.Active),
        Cycle(10, 10, 600, CycleCompletion.Completed), Cycle(11, 20, 840, CycleCompletion.Completed),
        Cycle(12, 34, 360, CycleCompletion.Aborted), Cycle(13, 65, 420, CycleCompletion.Completed),
        Part(20, 20, 1), Part(21, 34, 1), Part(22, 72, 2),
        Alarm(30, 40, 45, "FAULT"), Alarm(31, 42, 44, "WARNING"), Alarm(32, 70, null, "FAULT"),
        new SetupPeriod { Id = "s:40:setup", Start = At(45), End = At(55), StartSequence = 40, Source = SetupSource.Derived, DurationSeconds = 600 },
    ];

    /// <summary>m2: ACTIVE 0-30 with one 1800 s cycle and 5 parts at 30, IDLE 30-90.</summary>
    private static readonly List<MachineEvent> M2 =
    [
        Status(1, 0, 30, MachineStatus.Active), Status(2, 30, 90, MachineStatus.Idle),
        Cycle(10, 0, 1800, CycleCompletion.Completed), Part(20, 30, 5),
    ];

    private static IngestBatch Batch(string stream, string machine, List<MachineEvent> events, DateTime? lastObservation)
    {
        var records = events.Select((e, i) => (WireRecord)new DerivedEventRecord
        {
            Seq = i + 1,
            MachineId = machine,
            Event = new DerivedEvent(machine + ":" + e.Id, e.Type, new DateTimeOffset(e.Start, TimeSpan.Zero),
                e.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, e.ToData()),
        }).ToList();
        if (lastObservation is { } last)
        {
            records.Add(Batches.Observation(records.Count + 1, machine) with { Timestamp = new DateTimeOffset(last, TimeSpan.Zero) });
        }
        return new IngestBatch("plant-1", stream, 1, records.Count, records);
    }

    private async Task PostShiftAsync()
    {
        await Batches.PostOkAsync(Edge, Batch("s1", "m1", M1, At(80)));
        await Batches.PostOkAsync(Edge, Batch("s2", "m2", M2, At(90)));
    }

    private static string Range(int from, int to) =>
        $"from={Uri.EscapeDataString(new DateTimeOffset(At(from), TimeSpan.Zero).ToString("O"))}&to={Uri.EscapeDataString(new DateTimeOffset(At(to), TimeSpan.Zero).ToString("O"))}";

    private static double Status(JsonElement s, string status) => s.GetProperty("secondsByStatus").GetProperty(status).GetDouble();

    private static (long Completed, long Aborted, long Partial, long Other) Cycles(JsonElement s)
    {
        var c = s.GetProperty("cycles");
        return (c.GetProperty("completed").GetInt64(), c.GetProperty("aborted").GetInt64(), c.GetProperty("partial").GetInt64(), c.GetProperty("other").GetInt64());
    }

    [Fact]
    public async Task Machine_summary_adds_up_the_shift()
    {
        await PostShiftAsync();
        var s = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?" + Range(0, 90));
        Assert.Equal("m1", s.GetProperty("machineId").GetString());
        Assert.Equal(5400, s.GetProperty("elapsedSeconds").GetDouble());
        // The running ACTIVE interval counts up to the last known time (80), not to the end of the range.
        Assert.Equal(600 + 300, Status(s, "IDLE"));
        Assert.Equal(1800 + 1200, Status(s, "ACTIVE"));
        Assert.Equal(300, Status(s, "ALARM"));
        Assert.Equal(600, Status(s, "SETUP"));
        Assert.Equal(0, Status(s, "OFFLINE"));
        Assert.Equal(3000.0 / 5400, s.GetProperty("utilization").GetDouble(), 9);
        Assert.Equal(4, s.GetProperty("parts").GetInt64());
        Assert.Equal((3, 1, 0, 0), Cycles(s));
        Assert.Equal((600 + 840 + 360 + 420) / 4.0, s.GetProperty("meanCycleSeconds").GetDouble(), 9);
        Assert.Equal((420 + 600) / 2.0, s.GetProperty("medianCycleSeconds").GetDouble(), 9);
        Assert.Equal(3, s.GetProperty("alarmCount").GetInt64());
        // 40-45 (the 42-44 one inside it counts once) and the open one from 70 to the last known time 80.
        Assert.Equal(300 + 600, s.GetProperty("alarmSeconds").GetDouble());
        Assert.Equal(600, s.GetProperty("setupSeconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("buckets").ValueKind);
    }

    [Fact]
    public async Task A_summary_reads_the_quarters_it_stored_until_a_late_change_computes_them_again()
    {
        await PostShiftAsync();
        var url = "/api/ext/fleet/summary?byMachine=true&bucket=hour&" + Range(0, 90);
        var cold = (await Batches.GetJsonAsync(Reader, url)).GetRawText();
        Assert.Equal(cold, (await Batches.GetJsonAsync(Reader, url)).GetRawText());

        // m1's last known time is 80: the quarters 0-75 have passed for it and are stored, and the hour 0-60 of four of them;
        // 75-90 is not.
        var store = Db.Open();
        await using (store)
        {
            var stored = await store.GetSummaryQuartersAsync("acme", ["m1"], At(0), At(90), CancellationToken.None);
            Assert.Equal([(At(0), 15), (At(0), 60), (At(15), 15), (At(30), 15), (At(45), 15), (At(60), 15)],
                stored.Quarters.Select(q => (q.Start.UtcDateTime, q.Minutes)).Order());

            // What a summary shows is the stored hour's and quarter's: replaced by ones with 100 and 1,000 parts, it shows those.
            string Parts(int n) => Mtc.Cloud.Summary.Tally.FromJson($$"""{"p":{{n}}}""")!.ToJson();
            Assert.Equal(2, await store.PutSummaryQuartersAsync("acme",
                [new("m1", stored.Generations["m1"], [(new DateTimeOffset(At(0), TimeSpan.Zero), 60, Parts(100)), (new DateTimeOffset(At(60), TimeSpan.Zero), 15, Parts(1000))])],
                CancellationToken.None));
            var m1 = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?" + Range(0, 90));
            Assert.Equal(100 + 1000, m1.GetProperty("parts").GetInt64());

            // A part counted late at 25 removes the quarters and hours that may hold it (from 0 on): they are computed again.
            await Batches.PostOkAsync(Edge, Batch("s5", "m1", [Part(50, 25, 3)], null));
            var late = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?" + Range(0, 90));
            Assert.Equal(4 + 3, late.GetProperty("parts").GetInt64());
            Assert.Equal(1800 + 1200, Status(late, "ACTIVE"));
            Assert.Equal(300 + 600, late.GetProperty("alarmSeconds").GetDouble());
            var again = await store.GetSummaryQuartersAsync("acme", ["m1"], At(0), At(90), CancellationToken.None);
            Assert.Equal(6, again.Quarters.Count);
            Assert.True(again.Generations["m1"] > stored.Generations["m1"]);
        }
    }

    [Fact]
    public async Task An_edge_heartbeat_makes_what_runs_now_reach_the_time_it_confirmed()
    {
        await PostShiftAsync();
        async Task<JsonElement> Beat(HttpClient client, string edge, string machine, int minutes, HttpStatusCode expected = HttpStatusCode.OK)
        {
            using var answer = await client.PostAsJsonAsync("/api/ext/edges/heartbeat",
                new { edgeId = edge, machines = new[] { new { id = machine, confirmedAt = new DateTimeOffset(At(minutes), TimeSpan.Zero) } } });
            Assert.Equal(expected, answer.StatusCode);
            return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        }

        // Nothing changed on m1 after its last observation at 80, but its edge saw it until 88: the ACTIVE interval running since
        // 60 and the alarm open since 70 reach 88.
        Assert.Equal(1, (await Beat(Edge, "plant-1", "m1", 88)).GetProperty("machines").GetInt32());
        var s = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?" + Range(0, 90));
        Assert.Equal(1800 + 1680, Status(s, "ACTIVE"));
        Assert.Equal(300 + 1080, s.GetProperty("alarmSeconds").GetDouble());
        var timeline = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/timeline?" + Range(0, 90));
        Assert.Equal(new DateTimeOffset(At(88), TimeSpan.Zero), timeline.GetProperty("items").EnumerateArray().Last().GetProperty("end").GetDateTimeOffset());

        // An earlier time, another edge's heartbeat and an unknown machine change nothing.
        Assert.Equal(0, (await Beat(Edge, "plant-1", "m1", 85)).GetProperty("machines").GetInt32());
        Assert.Equal(0, (await Beat(Edge, "plant-2", "m1", 89)).GetProperty("machines").GetInt32());
        Assert.Equal(0, (await Beat(Edge, "plant-1", "nope", 89)).GetProperty("machines").GetInt32());
        Assert.Equal(1800 + 1680, Status(await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?" + Range(0, 90)), "ACTIVE"));

        // Only an edge key may send one, and a bad one is refused with the field it is about.
        await Beat(Reader, "plant-1", "m1", 89, HttpStatusCode.Forbidden);
        using var bad = await Edge.PostAsJsonAsync("/api/ext/edges/heartbeat", new { edgeId = "plant-1", machines = new[] { new { id = "m1" } } });
        var problem = await Batches.ProblemAsync(bad, 400, "invalid-request");
        Assert.Contains("machines[0].confirmedAt", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var notJson = await Edge.PostAsync("/api/ext/edges/heartbeat", new StringContent("{\"edgeId\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task Machine_summary_clips_at_the_range_edges()
    {
        await PostShiftAsync();
        // 15-66: ACTIVE 15-40 and 60-66; the cycles that start in it are 20, 34 and 65; the parts at 20 and 34.
        var s = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?" + Range(15, 66));
        Assert.Equal(3060, s.GetProperty("elapsedSeconds").GetDouble());
        Assert.Equal(1500 + 360, Status(s, "ACTIVE"));
        Assert.Equal(300, Status(s, "IDLE"));
        Assert.Equal(1860.0 / 3060, s.GetProperty("utilization").GetDouble(), 9);
        Assert.Equal(2, s.GetProperty("parts").GetInt64());
        Assert.Equal((2, 1, 0, 0), Cycles(s));
        Assert.Equal((840 + 360 + 420) / 3.0, s.GetProperty("meanCycleSeconds").GetDouble(), 9);
        Assert.Equal(420, s.GetProperty("medianCycleSeconds").GetDouble());
        Assert.Equal(2, s.GetProperty("alarmCount").GetInt64());
        Assert.Equal(300, s.GetProperty("alarmSeconds").GetDouble());

        // 75-90: the alarm open since 70 counts its seconds (75-80) but not as an alarm of the range; no cycle starts in it.
        var tail = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?" + Range(75, 90));
        Assert.Equal(900, tail.GetProperty("elapsedSeconds").GetDouble());
        Assert.Equal(300, Status(tail, "ACTIVE"));
        Assert.Equal(300.0 / 900, tail.GetProperty("utilization").GetDouble(), 9);
        Assert.Equal(0, tail.GetProperty("alarmCount").GetInt64());
        Assert.Equal(300, tail.GetProperty("alarmSeconds").GetDouble());
        Assert.Equal((0, 0, 0, 0), Cycles(tail));
        Assert.Equal(JsonValueKind.Null, tail.GetProperty("meanCycleSeconds").ValueKind);
        Assert.Equal(JsonValueKind.Null, tail.GetProperty("medianCycleSeconds").ValueKind);
        Assert.Equal(0, tail.GetProperty("parts").GetInt64());
        Assert.Equal(0, tail.GetProperty("setupSeconds").GetDouble());
    }

    [Fact]
    public async Task An_open_interval_that_a_later_one_cut_short_before_the_range_adds_nothing_to_it()
    {
        // ACTIVE from 0 never got its ended version, but IDLE followed at 5: it ended there. Nothing is known for 20-40.
        await Batches.PostOkAsync(Edge, Batch("s3", "m3",
            [Status(1, 0, null, MachineStatus.Active), Status(2, 5, 20, MachineStatus.Idle), Status(3, 40, 60, MachineStatus.Idle)], At(60)));
        var s = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m3/summary?" + Range(30, 60));
        Assert.Equal(0, Status(s, "ACTIVE"));
        Assert.Equal(1200, Status(s, "IDLE"));
        Assert.Equal(0, s.GetProperty("utilization").GetDouble());
        // The same seconds as the timeline shows for the range.
        var timeline = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m3/timeline?" + Range(30, 60));
        Assert.Equal(1200, timeline.GetProperty("items").EnumerateArray()
            .Sum(i => (i.GetProperty("end").GetDateTimeOffset() - i.GetProperty("start").GetDateTimeOffset()).TotalSeconds));
        var whole = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m3/summary?" + Range(0, 60));
        Assert.Equal(300, Status(whole, "ACTIVE"));
        Assert.Equal(900 + 1200, Status(whole, "IDLE"));
    }

    [Fact]
    public async Task Hour_buckets_split_the_range_at_utc_hours()
    {
        await PostShiftAsync();
        var s = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=hour&" + Range(30, 90));
        var buckets = s.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal([(At(30), At(60)), (At(60), At(90))],
            buckets.Select(b => (b.GetProperty("from").GetDateTimeOffset().UtcDateTime, b.GetProperty("to").GetDateTimeOffset().UtcDateTime)));
        var (first, second) = (buckets[0], buckets[1]);
        Assert.Equal(1800, first.GetProperty("elapsedSeconds").GetDouble());
        Assert.Equal(600, Status(first, "ACTIVE"));
        Assert.Equal(600.0 / 1800, first.GetProperty("utilization").GetDouble(), 9);
        Assert.Equal((0, 1, 0, 0), Cycles(first));
        Assert.Equal(1, first.GetProperty("parts").GetInt64());
        Assert.Equal(2, first.GetProperty("alarmCount").GetInt64());
        Assert.Equal(600, first.GetProperty("setupSeconds").GetDouble());
        Assert.Equal(1200, Status(second, "ACTIVE"));
        Assert.Equal((1, 0, 0, 0), Cycles(second));
        Assert.Equal(420, second.GetProperty("medianCycleSeconds").GetDouble());
        Assert.Equal(2, second.GetProperty("parts").GetInt64());
        Assert.Equal(1, second.GetProperty("alarmCount").GetInt64());
        Assert.Equal(600, second.GetProperty("alarmSeconds").GetDouble());
        // The buckets add up to the range.
        Assert.Equal(s.GetProperty("parts").GetInt64(), buckets.Sum(b => b.GetProperty("parts").GetInt64()));
        Assert.Equal(Status(s, "ACTIVE"), buckets.Sum(b => Status(b, "ACTIVE")));

        var days = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=day&from=2026-11-26T12:00:00Z&to=2026-11-28T00:00:00Z");
        Assert.Equal(["2026-11-26T12:00:00Z", "2026-11-27T00:00:00Z"],
            days.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("from").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ")));
        Assert.Equal([0L, 4L], days.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("parts").GetInt64()));
    }

    [Fact]
    public async Task Fleet_summary_sums_the_machines_and_takes_the_median_over_every_cycle()
    {
        await PostShiftAsync();
        var s = await Batches.GetJsonAsync(Reader, "/api/ext/fleet/summary?bucket=day&" + Range(0, 90));
        Assert.Equal(2, s.GetProperty("machines").GetInt32());
        Assert.Equal(2 * 5400, s.GetProperty("elapsedSeconds").GetDouble());
        Assert.Equal(3000 + 1800, Status(s, "ACTIVE"));
        Assert.Equal(900 + 3600, Status(s, "IDLE"));
        Assert.Equal(4800.0 / 10800, s.GetProperty("utilization").GetDouble(), 9);
        Assert.Equal(4 + 5, s.GetProperty("parts").GetInt64());
        Assert.Equal((4, 1, 0, 0), Cycles(s));
        Assert.Equal((600 + 840 + 360 + 420 + 1800) / 5.0, s.GetProperty("meanCycleSeconds").GetDouble(), 9);
        Assert.Equal(600, s.GetProperty("medianCycleSeconds").GetDouble());
        Assert.Equal(3, s.GetProperty("alarmCount").GetInt64());
        Assert.Equal(900, s.GetProperty("alarmSeconds").GetDouble());
        Assert.Single(s.GetProperty("buckets").EnumerateArray());
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_the_numbers()
    {
        await PostShiftAsync();
        // globex has a machine m1 of its own: ACTIVE the whole 90 minutes.
        await Batches.PostOkAsync(OtherTenant, Batch("g1", "m1", [Status(1, 0, 90, MachineStatus.Active)], null));
        var own = await Batches.GetJsonAsync(OtherTenant, "/api/ext/machines/m1/summary?" + Range(0, 90));
        Assert.Equal(5400, Status(own, "ACTIVE"));
        Assert.Equal(1.0, own.GetProperty("utilization").GetDouble());
        Assert.Equal(0, own.GetProperty("parts").GetInt64());
        Assert.Equal(0, own.GetProperty("alarmCount").GetInt64());
        var fleet = await Batches.GetJsonAsync(OtherTenant, "/api/ext/fleet/summary?" + Range(0, 90));
        Assert.Equal(1, fleet.GetProperty("machines").GetInt32());
        Assert.Equal(0, fleet.GetProperty("parts").GetInt64());
        Assert.Equal((0, 0, 0, 0), Cycles(fleet));
        using var m2 = await OtherTenant.GetAsync("/api/ext/machines/m2/summary?" + Range(0, 90));
        await Batches.ProblemAsync(m2, 404, "not-found");
        // And acme's numbers do not change.
        var acme = await Batches.GetJsonAsync(Reader, "/api/ext/fleet/summary?" + Range(0, 90));
        Assert.Equal(2, acme.GetProperty("machines").GetInt32());
        Assert.Equal(4800, Status(acme, "ACTIVE"));
    }

    [Fact]
    public async Task A_tenant_without_machines_has_zero_numbers_and_no_utilization()
    {
        var fleet = await Batches.GetJsonAsync(OtherTenant, "/api/ext/fleet/summary");
        Assert.Equal(0, fleet.GetProperty("machines").GetInt32());
        Assert.Equal(0, fleet.GetProperty("elapsedSeconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, fleet.GetProperty("utilization").ValueKind);
        // The default range is the 24 h up to now.
        var from = fleet.GetProperty("from").GetDateTimeOffset();
        var to = fleet.GetProperty("to").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(24), to - from);
        Assert.InRange(DateTimeOffset.UtcNow - to, TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("from=2026-11-27T09:00:00Z&to=2026-11-27T09:00:00Z", "to")]
    [InlineData("from=2026-11-27T10:00:00Z&to=2026-11-27T09:00:00Z", "to")]
    [InlineData("from=2026-08-01T00:00:00Z&to=2026-11-27T00:00:00Z", "to")]
    [InlineData("from=yesterday", "from")]
    [InlineData("bucket=week", "bucket")]
    public async Task Bad_ranges_and_buckets_are_400s_naming_the_parameter(string query, string parameter)
    {
        await PostShiftAsync();
        foreach (var route in new[] { "/api/ext/machines/m1/summary?", "/api/ext/fleet/summary?" })
        {
            using var response = await Reader.GetAsync(route + query);
            var problem = await Batches.ProblemAsync(response, 400, "invalid-request");
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        }
    }

    [Fact]
    public async Task An_unknown_machine_is_a_404_and_92_days_is_allowed()
    {
        await PostShiftAsync();
        using var missing = await Reader.GetAsync("/api/ext/machines/nope/summary");
        await Batches.ProblemAsync(missing, 404, "not-found");
        var longest = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?from=2026-09-01T00:00:00Z&to=2026-12-02T00:00:00Z");
        Assert.Equal(4, longest.GetProperty("parts").GetInt64());
    }
}

public sealed class SummaryTests_Sqlite() : SummaryTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class SummaryTests_Postgres(PostgresServer server) : SummaryTests(new PostgresBackend(server));
