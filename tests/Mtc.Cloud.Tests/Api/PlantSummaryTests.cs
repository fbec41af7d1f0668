using System.Globalization;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// Summaries in plant time: Berlin's daylight-saving days as day buckets, shift buckets for a night shift over midnight and the
/// clock change, per-weekday shifts with gaps, and the defaults. m1 is ACTIVE around both changes, with a 300 s cycle on every
/// UTC hour and one part at five past, so every expected number is hours counted by hand.
/// </summary>
public abstract class PlantSummaryTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly DateTimeOffset Spring = Utc("2026-03-27T00:00:00Z"), Autumn = Utc("2026-10-23T00:00:00Z");
    private const int Days = 5;

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static IEnumerable<MachineEvent> Around(DateTimeOffset start, int seq)
    {
        yield return new StatusInterval
        {
            Id = $"s:{seq}:status", Start = start.UtcDateTime, End = start.AddDays(Days).UtcDateTime, StartSequence = seq,
            Status = MachineStatus.Active, Seconds = Days * 86400,
        };
        for (var h = 0; h < Days * 24; h++)
        {
            var at = start.AddHours(h).UtcDateTime;
            yield return new MachineCycle
            {
                Id = $"s:{seq + 1 + (2 * h)}:cycle", Start = at, End = at.AddSeconds(300), StartSequence = seq + 1 + (2 * h),
                DurationSeconds = 300, ActiveSeconds = 300, Program = "O1", Parts = 1, Completion = CycleCompletion.Completed,
            };
            yield return new PartsProduced
            {
                Id = $"s:{seq + 2 + (2 * h)}:part", Start = at.AddMinutes(5), End = at.AddMinutes(5), StartSequence = seq + 2 + (2 * h),
                Count = 1, Counter = h,
            };
        }
    }

    private async Task PostAsync()
    {
        var events = Around(Spring, 1).Concat(Around(Autumn, 10_000)).ToList();
        var records = events.Select((e, i) => (WireRecord)new DerivedEventRecord
        {
            Seq = i + 1,
            MachineId = "m1",
            Event = new DerivedEvent("m1:" + e.Id, e.Type, new DateTimeOffset(e.Start, TimeSpan.Zero),
                e.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, e.ToData()),
        }).ToList();
        await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s1", 1, records.Count, records));
    }

    private static string Range(string from, string to) => $"from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}";

    private static string Z(JsonElement b, string name) =>
        b.GetProperty(name).GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture);

    private static List<(string? Shift, string From, string To, double Elapsed, long Parts)> Buckets(JsonElement summary) =>
        summary.GetProperty("buckets").EnumerateArray().Select(b => (
            b.TryGetProperty("shift", out var s) ? s.GetString() : null, Z(b, "from"), Z(b, "to"),
            b.GetProperty("elapsedSeconds").GetDouble(), b.GetProperty("parts").GetInt64())).ToList();

    [Fact]
    public async Task Day_buckets_are_berlin_days_of_23_and_25_hours()
    {
        await PostAsync();
        await PlantTests.PutOkAsync(Admin, PlantTests.ThreeShifts);
        // Saturday to Monday, local midnight to local midnight: 24 h, 23 h (clocks forward), 24 h.
        var spring = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=day&" + Range("2026-03-27T23:00:00Z", "2026-03-30T22:00:00Z"));
        Assert.Equal([
            (null, "2026-03-27T23:00Z", "2026-03-28T23:00Z", 86400.0, 24L),
            (null, "2026-03-28T23:00Z", "2026-03-29T22:00Z", 82800.0, 23L),
            (null, "2026-03-29T22:00Z", "2026-03-30T22:00Z", 86400.0, 24L)], Buckets(spring));
        // The 25 h day (clocks back) on the fleet route: 25 parts, 25 cycles, ACTIVE all 90,000 s.
        var autumn = await Batches.GetJsonAsync(Reader, "/api/ext/fleet/summary?bucket=day&" + Range("2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"));
        var day = Assert.Single(autumn.GetProperty("buckets").EnumerateArray());
        Assert.Equal(90000, day.GetProperty("elapsedSeconds").GetDouble());
        Assert.Equal(90000, day.GetProperty("secondsByStatus").GetProperty("ACTIVE").GetDouble());
        Assert.Equal(25, day.GetProperty("parts").GetInt64());
        Assert.Equal(25, day.GetProperty("cycles").GetProperty("completed").GetInt64());
        Assert.Equal(1.0, day.GetProperty("utilization").GetDouble());
    }

    [Fact]
    public async Task Hour_buckets_stay_one_hour_long_through_the_repeated_hour()
    {
        await PostAsync();
        await PlantTests.PutOkAsync(Admin, PlantTests.ThreeShifts);
        // 01:00-04:00 CEST/CET on 2026-10-25 is four hours of elapsed time: 01:00, 02:00 CEST, 02:00 CET, 03:00.
        var night = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=hour&" + Range("2026-10-24T23:00:00Z", "2026-10-25T03:00:00Z"));
        Assert.Equal([
            (null, "2026-10-24T23:00Z", "2026-10-25T00:00Z", 3600.0, 1L), (null, "2026-10-25T00:00Z", "2026-10-25T01:00Z", 3600.0, 1L),
            (null, "2026-10-25T01:00Z", "2026-10-25T02:00Z", 3600.0, 1L), (null, "2026-10-25T02:00Z", "2026-10-25T03:00Z", 3600.0, 1L)], Buckets(night));
    }

    [Fact]
    public async Task Shift_buckets_follow_the_night_shift_over_midnight_and_the_clock_change()
    {
        await PostAsync();
        await PlantTests.PutOkAsync(Admin, PlantTests.ThreeShifts);
        // Berlin's Sunday 2026-10-25 with the night before it: night 9 h (22:00 CEST to 06:00 CET), early 8 h, late 8 h, and
        // Sunday's own night, cut to the range's end at 02:00 CET on Monday.
        var autumn = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=shift&" + Range("2026-10-24T20:00:00Z", "2026-10-26T01:00:00Z"));
        Assert.Equal([
            ("night", "2026-10-24T20:00Z", "2026-10-25T05:00Z", 32400.0, 9L),
            ("early", "2026-10-25T05:00Z", "2026-10-25T13:00Z", 28800.0, 8L),
            ("late", "2026-10-25T13:00Z", "2026-10-25T21:00Z", 28800.0, 8L),
            ("night", "2026-10-25T21:00Z", "2026-10-26T01:00Z", 14400.0, 4L)], Buckets(autumn));
        // The spring night is 7 h (22:00 CET to 06:00 CEST); a range that starts inside a shift cuts its first bucket.
        var spring = await Batches.GetJsonAsync(Reader, "/api/ext/fleet/summary?bucket=shift&" + Range("2026-03-28T19:00:00Z", "2026-03-29T04:00:00Z"));
        Assert.Equal([
            ("late", "2026-03-28T19:00Z", "2026-03-28T21:00Z", 7200.0, 2L),
            ("night", "2026-03-28T21:00Z", "2026-03-29T04:00Z", 25200.0, 7L)], Buckets(spring));
        // With shifts covering the whole day, the shift buckets add up to the range.
        Assert.Equal(spring.GetProperty("parts").GetInt64(), Buckets(spring).Sum(b => b.Parts));
    }

    [Theory]
    [InlineData("Europe/Berlin", "06:00", "14:00")]
    [InlineData("Asia/Kolkata", "06:30", "18:30")]
    [InlineData("Asia/Kathmandu", "07:15", "19:45")]
    public async Task Stored_quarters_give_the_numbers_computed_from_the_rows_in_any_zone(string zone, string start, string end)
    {
        await PostAsync();
        // A last known time after the data: its quarters have passed and are stored by the first summary of each kind.
        await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s9", 1, 1,
            [Batches.Observation(1, "m1") with { Timestamp = Autumn.AddDays(Days + 1) }]));
        await PlantTests.PutOkAsync(Admin, $$"""{"timeZone": "{{zone}}", "shifts": [{"name": "day", "start": "{{start}}", "end": "{{end}}"}]}""");
        var range = Range(Autumn.AddHours(-3).ToString("O", CultureInfo.InvariantCulture), Autumn.AddDays(Days).AddMinutes(50).ToString("O", CultureInfo.InvariantCulture));
        foreach (var bucket in new[] { "hour", "day", "shift" })
        {
            var url = $"/api/ext/machines/m1/summary?bucket={bucket}&" + range;
            var cold = await Batches.GetJsonAsync(Reader, url);
            var warm = await Batches.GetJsonAsync(Reader, url);
            Assert.Equal(cold.GetRawText(), warm.GetRawText());
            // Each bucket alone (one summary over its range) has the bucket's numbers.
            foreach (var b in cold.GetProperty("buckets").EnumerateArray().Where((_, i) => i % 7 == 0))
            {
                var alone = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?" +
                    Range(b.GetProperty("from").GetString()!, b.GetProperty("to").GetString()!));
                Assert.Equal(b.GetProperty("parts").GetInt64(), alone.GetProperty("parts").GetInt64());
                Assert.Equal(b.GetProperty("secondsByStatus").GetProperty("ACTIVE").GetDouble(),
                    alone.GetProperty("secondsByStatus").GetProperty("ACTIVE").GetDouble());
                Assert.Equal(b.GetProperty("medianCycleSeconds").GetRawText(), alone.GetProperty("medianCycleSeconds").GetRawText());
            }
        }
        var days = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=day&" + range);
        Assert.Equal(Days * 24, days.GetProperty("parts").GetInt64());
        Assert.Equal(Days * 24, days.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("parts").GetInt64()));
    }

    [Fact]
    public async Task Per_weekday_shifts_leave_gaps_that_count_in_days_but_in_no_shift()
    {
        await PostAsync();
        await PlantTests.PutOkAsync(Admin, """
            {"timeZone": "Europe/Berlin", "shifts": [
              {"name": "early", "start": "06:00", "end": "14:00", "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
              {"name": "saturday", "start": "07:00", "end": "12:00", "days": ["Sat"]}]}
            """);
        // Friday 2026-10-23 to Monday 2026-10-26 (local days): Friday early, Saturday's short shift, nothing on Sunday, Monday early.
        var range = Range("2026-10-22T22:00:00Z", "2026-10-26T23:00:00Z");
        var shifts = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=shift&" + range);
        Assert.Equal([
            ("early", "2026-10-23T04:00Z", "2026-10-23T12:00Z", 28800.0, 8L),
            ("saturday", "2026-10-24T05:00Z", "2026-10-24T10:00Z", 18000.0, 5L),
            ("early", "2026-10-26T05:00Z", "2026-10-26T13:00Z", 28800.0, 8L)], Buckets(shifts));
        var days = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=day&" + range);
        // The data starts at 2026-10-23T00:00Z, two hours into Friday; Sunday has 25 hours.
        Assert.Equal([22L, 24L, 25L, 24L], Buckets(days).Select(b => b.Parts));
        // The range's parts are the days' (95), not only the shifts' 21.
        Assert.Equal(95, shifts.GetProperty("parts").GetInt64());
        Assert.Equal(95, Buckets(days).Sum(b => b.Parts));
    }

    [Fact]
    public async Task Without_plant_settings_days_are_utc_and_the_one_shift_is_the_whole_day()
    {
        await PostAsync();
        var summary = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=shift&" + Range("2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z"));
        Assert.Equal([
            ("day", "2026-10-24T12:00Z", "2026-10-25T00:00Z", 43200.0, 12L),
            ("day", "2026-10-25T00:00Z", "2026-10-26T00:00Z", 86400.0, 24L)], Buckets(summary));
        var days = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=day&" + Range("2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z"));
        Assert.Equal(["2026-10-24T12:00Z", "2026-10-25T00:00Z"], Buckets(days).Select(b => b.From));
        // Buckets other than shift buckets carry no shift.
        Assert.All(Buckets(days), b => Assert.Null(b.Shift));
    }

    [Fact]
    public async Task Another_tenants_plant_does_not_move_the_buckets()
    {
        await PostAsync();
        await PlantTests.PutOkAsync(OtherTenant, PlantTests.ThreeShifts);
        var acme = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/summary?bucket=day&" + Range("2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z"));
        Assert.Equal(["2026-10-24T12:00Z", "2026-10-25T00:00Z"], Buckets(acme).Select(b => b.From));
        var globex = await Batches.GetJsonAsync(OtherTenant, "/api/ext/fleet/summary?bucket=shift&" + Range("2026-10-24T20:00:00Z", "2026-10-25T05:00:00Z"));
        Assert.Equal([("night", "2026-10-24T20:00Z", "2026-10-25T05:00Z", 0.0, 0L)], Buckets(globex));
        Assert.Equal(0, globex.GetProperty("machines").GetInt32());
    }

    [Fact]
    public async Task The_fleet_summary_lists_each_machine_with_its_last_and_median_cycle()
    {
        await PostAsync();
        await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s2", 1, 2, [
            Batches.Cycle(1, "m2", Utc("2026-10-25T10:00:00Z"), 100), Batches.Cycle(2, "m2", Utc("2026-10-25T11:00:00Z"), 40)]));
        var fleet = await Batches.GetJsonAsync(Reader, "/api/ext/fleet/summary?byMachine=true&" + Range("2026-10-25T09:30:00Z", "2026-10-25T12:30:00Z"));
        var each = fleet.GetProperty("byMachine").EnumerateArray().ToDictionary(m => m.GetProperty("machineId").GetString()!);
        Assert.Equal(["m1", "m2"], each.Keys.Order());
        Assert.Equal(3, each["m1"].GetProperty("parts").GetInt64());
        Assert.Equal(300, each["m1"].GetProperty("lastCycleSeconds").GetDouble());
        Assert.Equal(40, each["m2"].GetProperty("lastCycleSeconds").GetDouble());
        Assert.Equal(70, each["m2"].GetProperty("medianCycleSeconds").GetDouble());
        // The fleet's last cycle is m1's at 12:00, after m2's at 11:00.
        Assert.Equal(300, fleet.GetProperty("lastCycleSeconds").GetDouble());
        Assert.Equal(5, fleet.GetProperty("cycles").GetProperty("completed").GetInt64() + fleet.GetProperty("cycles").GetProperty("other").GetInt64());
        var plain = await Batches.GetJsonAsync(Reader, "/api/ext/fleet/summary?" + Range("2026-10-25T09:30:00Z", "2026-10-25T12:30:00Z"));
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("byMachine").ValueKind);
    }
}

public sealed class PlantSummaryTests_Sqlite() : PlantSummaryTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PlantSummaryTests_Postgres(PostgresServer server) : PlantSummaryTests(new PostgresBackend(server));
