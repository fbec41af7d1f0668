using System.Text.Json;
using Mtc.Core.Wire;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

public abstract class ReadTests(IBackend backend) : ApiTestBase(backend)
{
    /// <summary>Cycle durations of machine m1: cycle k (0-based) starts at T0 + 10 min * k and lasts Durations[k] seconds.</summary>
    private static readonly double[] Durations = [300, 120, 95.5, 410, 260, 180, 75, 333, 240, 199, 150, 512];

    private async Task PostCyclesAsync(int from, int to, long firstSeq)
    {
        var records = Enumerable.Range(from, to - from)
            .Select((k, i) => (WireRecord)Batches.Cycle(firstSeq + i, "m1", Batches.T0.AddMinutes(10 * k), Durations[k], program: "O" + (k % 2)))
            .ToList();
        await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s1", firstSeq, firstSeq + records.Count - 1, records));
    }

    /// <summary>Independent of the code under test: nearest-rank interpolation written out here.</summary>
    private static double Interpolated(double[] values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var rank = p * (sorted.Length - 1);
        var below = sorted[(int)rank];
        var above = sorted[Math.Min(sorted.Length - 1, (int)rank + 1)];
        return below + ((above - below) * (rank - (int)rank));
    }

    [Theory]
    [InlineData("/api/ext/machines/m1/cycle-time")]
    [InlineData("/api/ext/cycle-time?machineId=m1")]
    public async Task Cycle_time_lists_cycles_with_a_summary_on_both_routes(string route)
    {
        await PostCyclesAsync(0, Durations.Length, 1);
        var sep = route.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        var page = await Batches.GetJsonAsync(Reader, route + sep + "limit=100");
        Assert.Equal("m1", page.GetProperty("machineId").GetString());
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Durations, items.Select(i => i.GetProperty("durationSeconds").GetDouble()));
        Assert.Equal(Batches.T0.AddMinutes(30), items[3].GetProperty("start").GetDateTimeOffset());
        Assert.Equal(Batches.T0.AddMinutes(30).AddSeconds(410), items[3].GetProperty("end").GetDateTimeOffset());
        Assert.Equal("O1", items[3].GetProperty("program").GetString());
        Assert.Equal(1, items[3].GetProperty("parts").GetInt64());
        Assert.Equal(369.0, items[3].GetProperty("activeSeconds").GetDouble(), 6);
        Assert.Equal("COMPLETE", items[3].GetProperty("completion").GetString());
        var s = page.GetProperty("summary");
        Assert.Equal(Durations.Length, s.GetProperty("count").GetInt64());
        Assert.Equal(Durations.Average(), s.GetProperty("mean").GetDouble(), 6);
        Assert.Equal(Interpolated(Durations, 0.5), s.GetProperty("median").GetDouble(), 6);
        Assert.Equal(Interpolated(Durations, 0.9), s.GetProperty("p90").GetDouble(), 6);
        Assert.Equal(Durations.Min(), s.GetProperty("min").GetDouble());
        Assert.Equal(Durations.Max(), s.GetProperty("max").GetDouble());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Cycle_time_filters_by_time_range()
    {
        await PostCyclesAsync(0, Durations.Length, 1);
        var from = Batches.T0.AddMinutes(20).ToString("O");
        var to = Batches.T0.AddMinutes(60).ToString("O");
        var page = await Batches.GetJsonAsync(Reader, $"/api/ext/machines/m1/cycle-time?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");
        var expected = Durations[2..6];
        Assert.Equal(expected, page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("durationSeconds").GetDouble()));
        Assert.Equal(expected.Length, page.GetProperty("summary").GetProperty("count").GetInt64());
        Assert.Equal(expected.Max(), page.GetProperty("summary").GetProperty("max").GetDouble());
    }

    [Fact]
    public async Task Cycle_pages_stay_stable_while_cycles_are_added()
    {
        await PostCyclesAsync(4, 10, 1);
        var page1 = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/cycle-time?limit=2");
        Assert.Equal(Durations[4..6], page1.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("durationSeconds").GetDouble()));
        // New cycles arrive: some before the cursor (late data), some after the end.
        await PostCyclesAsync(0, 4, 100);
        await PostCyclesAsync(10, 12, 200);
        var seen = new List<double>();
        var cursor = page1.GetProperty("nextCursor").GetString();
        while (cursor is not null)
        {
            var page = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/cycle-time?limit=2&cursor=" + cursor);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("durationSeconds").GetDouble()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        Assert.Equal(Durations[6..12], seen);
    }

    [Fact]
    public async Task Cycle_time_newest_first_pages_back_with_the_cycle_event_ids_and_a_cursor_is_bound_to_its_query()
    {
        await PostCyclesAsync(0, Durations.Length, 1);
        var seen = new List<(string Id, double Seconds)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/cycle-time?order=desc&limit=5" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("id").GetString()!, i.GetProperty("durationSeconds").GetDouble())));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(Durations.Reverse(), seen.Select(c => c.Seconds));
        Assert.Equal((Durations.Length + 4) / 5, pages);
        // Each item's id is its cycle event's id, as the events feed lists it.
        Assert.Equal(Enumerable.Range(1, Durations.Length).Reverse().Select(k => "cycle-" + k), seen.Select(c => c.Id));
        var events = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=cycle&limit=100");
        Assert.Equal(seen.Select(c => c.Id).Order(StringComparer.Ordinal),
            events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()).Order(StringComparer.Ordinal));

        var first = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/cycle-time?order=desc&limit=2");
        var descCursor = first.GetProperty("nextCursor").GetString();
        foreach (var other in new[] { "order=asc", "order=desc&from=2026-01-01T00:00:00Z", "" })
        {
            using var mismatch = await Reader.GetAsync($"/api/ext/machines/m1/cycle-time?{other}&limit=2&cursor={descCursor}");
            var problem = await Batches.ProblemAsync(mismatch, 400, "cursor-mismatch");
            Assert.Equal("cursor", problem.GetProperty("parameter").GetString());
        }
        using var observations = await Reader.GetAsync("/api/ext/machines/m1/observations?cursor=" + descCursor);
        await Batches.ProblemAsync(observations, 400, "cursor-mismatch");
        using var bad = await Reader.GetAsync("/api/ext/machines/m1/cycle-time?order=newest");
        Assert.Equal("order", (await Batches.ProblemAsync(bad, 400, "invalid-request")).GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Observations_filter_by_data_item_and_time_and_page_by_cursor()
    {
        await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 90));
        var d1 = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/observations?dataItemId=d1&limit=100");
        Assert.Equal(Enumerable.Range(1, 90).Where(i => i % 3 == 1).Select(i => "v" + i),
            d1.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("value").GetString()));
        var from = Uri.EscapeDataString(Batches.T0.AddSeconds(10).ToString("O"));
        var to = Uri.EscapeDataString(Batches.T0.AddSeconds(20).ToString("O"));
        var window = await Batches.GetJsonAsync(Reader, $"/api/ext/machines/m1/observations?from={from}&to={to}");
        Assert.Equal(Enumerable.Range(10, 10).Select(i => "v" + i), window.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("value").GetString()));
        var paged = await Batches.AllObservationsAsync(Reader, "m1", pageSize: 13);
        Assert.Equal(Enumerable.Range(1, 90).Select(i => "v" + i), paged.Select(o => o.GetProperty("value").GetString()));
        Assert.All(paged, o => Assert.Equal(JsonValueKind.Null, o.GetProperty("condition").ValueKind));
    }

    [Theory]
    [InlineData("/api/ext/machines/m1/observations?from=yesterday")]
    [InlineData("/api/ext/machines/m1/observations?limit=0")]
    [InlineData("/api/ext/machines/m1/observations?cursor=!!")]
    [InlineData("/api/ext/machines/m1/cycle-time?limit=5000")]
    [InlineData("/api/ext/cycle-time")]
    public async Task Bad_query_values_are_a_400_naming_the_parameter(string url)
    {
        await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 3));
        using var response = await Reader.GetAsync(url);
        var problem = await Batches.ProblemAsync(response, 400, "invalid-request");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("parameter").GetString()));
    }

    [Fact]
    public async Task Machine_state_shows_status_program_part_count_and_last_cycle()
    {
        var t = DateTimeOffset.UtcNow.AddHours(-1);
        ObservationRecord Obs(long seq, string id, string type, string value, int second) => new()
        {
            Seq = seq, MachineId = "m1", DataItemId = id, Type = type, Category = "EVENT", Sequence = seq, Timestamp = t.AddSeconds(second), Value = value,
        };
        var batch = new IngestBatch("plant-1", "s1", 1, 6,
        [
            Obs(1, "exec", "EXECUTION", "ACTIVE", 0), Obs(2, "prog", "PROGRAM", "O1000", 0), Obs(3, "pc", "PART_COUNT", "41", 0),
            Batches.Cycle(4, "m1", t, 300), Obs(5, "pc", "PART_COUNT", "42", 300), Obs(6, "exec", "EXECUTION", "READY", 300),
        ]);
        await Batches.PostOkAsync(Edge, batch);
        var state = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        Assert.Equal("READY", state.GetProperty("status").GetString());
        Assert.Equal("O1000", state.GetProperty("program").GetString());
        Assert.Equal(42, state.GetProperty("partCount").GetInt64());
        // READY since 55 minutes ago.
        Assert.InRange(state.GetProperty("idleMinutes").GetDouble(), 54, 24 * 60);
        Assert.Equal(300, state.GetProperty("lastCycle").GetProperty("durationSeconds").GetDouble());
        Assert.Equal(3, state.GetProperty("values").GetArrayLength());
    }

    [Fact]
    public async Task Edges_show_last_seen_hwm_records_and_gaps_per_stream()
    {
        await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 20));
        await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s2", 5, 7,
        [
            new GapRecord { Seq = 5, MachineId = "m1", Source = "agent", Missed = null, Reason = "agent restarted" },
            new GapRecord { Seq = 7, MachineId = "m1", Source = "outbox", Missed = 40, Reason = "quota" },
        ]));
        var list = await Batches.GetJsonAsync(Reader, "/api/ext/edges");
        var edge = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("plant-1", edge.GetProperty("id").GetString());
        Assert.Equal(22, edge.GetProperty("recordsReceived").GetInt64());
        Assert.Equal(2, edge.GetProperty("gaps").GetInt64());
        Assert.True(edge.GetProperty("lastSeen").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        var streams = edge.GetProperty("streams").EnumerateArray().ToDictionary(s => s.GetProperty("streamId").GetString()!);
        Assert.Equal(20, streams["s1"].GetProperty("hwm").GetInt64());
        Assert.Equal(7, streams["s2"].GetProperty("hwm").GetInt64());
        Assert.Equal(40, streams["s2"].GetProperty("missedKnown").GetInt64());
    }
}

public sealed class ReadTests_Sqlite() : ReadTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class ReadTests_Postgres(PostgresServer server) : ReadTests(new PostgresBackend(server));
