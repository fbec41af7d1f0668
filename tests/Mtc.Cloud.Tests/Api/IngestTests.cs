using System.Net;
using System.Text;
using Mtc.Core.Wire;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

public abstract class IngestTests(IBackend backend) : ApiTestBase(backend)
{
    [Fact]
    public async Task A_batch_is_stored_and_answered_with_hwm_accepted_skipped()
    {
        var result = await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 50));
        Assert.Equal(new IngestResult(50, 50, 0, 0), result);
        var stored = await Batches.AllObservationsAsync(Reader, "m1", pageSize: 7);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => "v" + i), stored.Select(o => o.GetProperty("value").GetString()));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => 1000L + i), stored.Select(o => o.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task The_same_batch_posted_ten_times_at_once_is_stored_once()
    {
        var batch = Batches.Observations("plant-1", "s1", 1, 200);
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Batches.PostOkAsync(Edge, batch)));
        Assert.All(results, r => Assert.Equal(200, r.Hwm));
        Assert.Equal(200, results.Sum(r => r.Accepted));
        Assert.Equal(9 * 200, results.Sum(r => r.Skipped));
        Assert.Single(results, r => r.Accepted == 200);
        var stored = await Batches.AllObservationsAsync(Reader, "m1");
        Assert.Equal(200, stored.Count);
        Assert.Equal(200, stored.Select(o => o.GetProperty("value").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Overlapping_batches_store_only_the_new_part()
    {
        Assert.Equal(new IngestResult(10, 10, 0, 0), await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 10)));
        Assert.Equal(new IngestResult(15, 5, 6, 10), await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 5, 15)));
        Assert.Equal(new IngestResult(15, 0, 5, 15), await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 11, 15)));
        // Another stream of the same edge has its own high-water mark.
        Assert.Equal(new IngestResult(3, 3, 0, 0), await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s2", 1, 3, machine: "m2")));
        var stored = await Batches.AllObservationsAsync(Reader, "m1");
        Assert.Equal(Enumerable.Range(1, 15).Select(i => "v" + i), stored.Select(o => o.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task A_batch_sent_before_its_predecessor_is_refused_as_predecessor_missing_and_accepted_after_it()
    {
        var second = Batches.Observations("plant-1", "s1", 11, 20) with { AfterSeq = 10 };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        using (var refused = await Batches.PostAsync(Edge, second))
        {
            var problem = await Batches.ProblemAsync(refused, 409, "predecessor-missing");
            Assert.Equal("0", refused.Headers.GetValues("Retry-After").Single());
            Assert.Equal(10, problem.GetProperty("afterSeq").GetInt64());
            Assert.Equal(0, problem.GetProperty("hwm").GetInt64());
        }
        // It waited about a second for the batch before it, then stored nothing.
        Assert.True(waited.Elapsed >= TimeSpan.FromSeconds(0.9), $"refused after {waited.Elapsed}");
        Assert.Empty((await Batches.GetJsonAsync(Reader, "/api/ext/edges")).GetProperty("items").EnumerateArray());

        // The first batch follows nothing (afterSeq 0); the answer repeats afterSeq, so an edge knows the order is checked.
        Assert.Equal(new IngestResult(10, 10, 0, 0, 0), await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 10) with { AfterSeq = 0 }));
        Assert.Equal(new IngestResult(20, 10, 0, 10, 10), await Batches.PostOkAsync(Edge, second));
        var stored = await Batches.AllObservationsAsync(Reader, "m1");
        Assert.Equal(Enumerable.Range(1, 20).Select(i => "v" + i), stored.Select(o => o.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task A_batch_that_overtook_its_predecessor_waits_for_it_and_both_are_stored_once_in_order()
    {
        var batches = Enumerable.Range(0, 4)
            .Select(i => Batches.Observations("plant-1", "s1", i * 25 + 1, i * 25 + 25) with { AfterSeq = i * 25 }).ToList();
        // The last three go first, the batch they all follow 200 ms later.
        var later = batches.Skip(1).Reverse().Select(b => Batches.PostOkAsync(Edge, b)).ToList();
        await Task.Delay(200);
        var first = await Batches.PostOkAsync(Edge, batches[0]);
        var results = await Task.WhenAll(later);
        Assert.Equal(new IngestResult(25, 25, 0, 0, 0), first);
        Assert.Equal([100, 75, 50], results.Select(r => r.Hwm));
        Assert.All(results, r => Assert.Equal((25, 0), (r.Accepted, r.Skipped)));
        var stored = await Batches.AllObservationsAsync(Reader, "m1");
        Assert.Equal(Enumerable.Range(1, 100).Select(i => 1000L + i), stored.Select(o => o.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task A_jump_past_the_mark_is_stored_when_the_batch_follows_nothing_and_refused_when_it_follows_a_batch_not_stored()
    {
        Assert.Equal(new IngestResult(10, 10, 0, 0), await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 10)));
        // Seqs 11-30 are gone from the edge (its quota dropped them): a batch that follows nothing is stored past the jump.
        Assert.Equal(new IngestResult(40, 10, 0, 10, 0), await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 31, 40) with { AfterSeq = 0 }));
        // One that follows seq 50 waits for a batch through 50, which never comes.
        using var refused = await Batches.PostAsync(Edge, Batches.Observations("plant-1", "s1", 61, 70) with { AfterSeq = 50 });
        var problem = await Batches.ProblemAsync(refused, 409, "predecessor-missing");
        Assert.Equal(40, problem.GetProperty("hwm").GetInt64());
        // It may follow a batch whose last seqs were dropped: the mark has passed afterSeq.
        Assert.Equal(new IngestResult(70, 10, 0, 40, 35), await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 61, 70) with { AfterSeq = 35 }));
        Assert.Equal(30, (await Batches.AllObservationsAsync(Reader, "m1")).Count);
    }

    [Fact]
    public async Task The_wire_shape_is_camel_case_with_a_kind_anywhere_in_the_record()
    {
        const string json = """
            {"edgeId":"plant-1","streamId":"s9","fromSeq":1,"toSeq":5,"records":[
              {"seq":1,"kind":"observation","machineId":"m7","instanceId":"17","sequence":5,"dataItemId":"exec","name":"execution",
               "category":"EVENT","type":"EXECUTION","timestamp":"2026-11-27T08:00:00Z","value":"ACTIVE"},
              {"kind":"observation","seq":2,"machineId":"m7","sequence":6,"dataItemId":"cond","category":"CONDITION","type":"TEMPERATURE",
               "timestamp":"2026-11-27T08:00:01.5Z","value":"too hot","level":"FAULT","nativeCode":"T1","nativeSeverity":"2",
               "qualifier":"HIGH","conditionId":"c1"},
              {"kind":"deviceModel","seq":3,"machineId":"m7","uuid":"u-7","name":"Lathe 7","document":"<MTConnectDevices/>"},
              {"kind":"gap","seq":4,"machineId":"m7","source":"agent","missed":12,"fromSequence":7,"toSequence":18,"reason":"OUT_OF_RANGE"},
              {"kind":"edgeStatus","seq":5,"timestamp":"2026-11-27T08:00:02Z","data":{"outboxDepth":3}}
            ]}
            """;
        using var response = await Edge.PostAsync("/api/ext/data", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var observations = await Batches.AllObservationsAsync(Reader, "m7");
        Assert.Equal(2, observations.Count);
        var condition = observations[1].GetProperty("condition");
        Assert.Equal("FAULT", condition.GetProperty("level").GetString());
        Assert.Equal("T1", condition.GetProperty("nativeCode").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 1, 500, TimeSpan.Zero), observations[1].GetProperty("timestamp").GetDateTimeOffset());
        var machine = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m7");
        Assert.Equal("ACTIVE", machine.GetProperty("status").GetString());
        Assert.Equal("u-7", machine.GetProperty("uuid").GetString());
        Assert.True(machine.GetProperty("hasDeviceModel").GetBoolean());
        var edge = await Batches.GetJsonAsync(Reader, "/api/ext/edges/plant-1");
        Assert.Equal(3, edge.GetProperty("status").GetProperty("outboxDepth").GetInt32());
        var stream = Assert.Single(edge.GetProperty("streams").EnumerateArray());
        Assert.Equal(5, stream.GetProperty("hwm").GetInt64());
        Assert.Equal(1, stream.GetProperty("gaps").GetInt64());
        Assert.Equal(12, stream.GetProperty("missedKnown").GetInt64());
        var gaps = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=gap");
        var gap = Assert.Single(gaps.GetProperty("items").EnumerateArray());
        Assert.Equal(12, gap.GetProperty("data").GetProperty("missed").GetInt64());
    }

    [Fact]
    public async Task Texts_arrive_as_sent_and_skipped_or_older_records_do_not_change_current_values()
    {
        const string text = "Spindel überlast ⚠ \"hot\" \\ <5> & 'x'\n\ttab";
        ObservationRecord Obs(long seq, string item, string value, int second) =>
            Batches.Observation(seq) with { DataItemId = item, Value = value, Timestamp = Batches.T0.AddSeconds(second) };
        Assert.Equal(new IngestResult(3, 3, 0, 0), await Batches.PostOkAsync(Edge,
            new IngestBatch("plant-1", "s1", 1, 3, [Obs(1, "d0", text, 10), Obs(2, "d1", "a", 5), Obs(3, "d1", "older", 1)])));
        // Seq 2 and 3 again with later times are skipped; seq 4 is stored but older than d0's current value.
        Assert.Equal(new IngestResult(4, 1, 2, 3), await Batches.PostOkAsync(Edge,
            new IngestBatch("plant-1", "s1", 2, 4, [Obs(2, "d1", "skipped", 100), Obs(3, "d1", "skipped", 101), Obs(4, "d0", "late", 0)])));

        var stored = await Batches.AllObservationsAsync(Reader, "m1");
        Assert.Equal([text, "a", "late", "older"], stored.Select(o => o.GetProperty("value").GetString()!).Order(StringComparer.Ordinal));
        var machine = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        var current = machine.GetProperty("values").EnumerateArray()
            .ToDictionary(v => v.GetProperty("dataItemId").GetString()!, v => v.GetProperty("value").GetString());
        Assert.Equal(text, current["d0"]);
        Assert.Equal("a", current["d1"]);
        Assert.Equal(2, current.Count);
    }

    [Theory]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":2,\"records\":[{\"seq\":2,\"kind\":\"observation\"", "invalid-json")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":2,\"records\":[{\"seq\":1,\"kind\":\"teapot\"}]}", "invalid-json")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":3,\"toSeq\":2,\"records\":[]}", "invalid-request")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":3,\"toSeq\":3,\"afterSeq\":3,\"records\":[{\"kind\":\"edgeStatus\",\"seq\":3,\"timestamp\":\"2026-11-27T08:00:00Z\"}]}", "invalid-request")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":3,\"toSeq\":3,\"afterSeq\":-1,\"records\":[{\"kind\":\"edgeStatus\",\"seq\":3,\"timestamp\":\"2026-11-27T08:00:00Z\"}]}", "invalid-request")]
    [InlineData("{\"edgeId\":\"\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":2,\"records\":[]}", "invalid-request")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":2,\"records\":[{\"kind\":\"edgeStatus\",\"seq\":2,\"timestamp\":\"2026-11-27T08:00:00Z\"},{\"kind\":\"edgeStatus\",\"seq\":1,\"timestamp\":\"2026-11-27T08:00:00Z\"}]}", "invalid-request")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":2,\"records\":[{\"kind\":\"edgeStatus\",\"seq\":7,\"timestamp\":\"2026-11-27T08:00:00Z\"}]}", "invalid-request")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":2,\"records\":[{\"kind\":\"observation\",\"seq\":1,\"dataItemId\":\"x\",\"timestamp\":\"2026-11-27T08:00:00Z\"}]}", "invalid-json")]
    public async Task A_bad_batch_is_a_400_problem_and_changes_nothing(string json, string type)
    {
        using var response = await Edge.PostAsync("/api/ext/data", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await Batches.ProblemAsync(response, 400, type);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        var edges = await Batches.GetJsonAsync(Reader, "/api/ext/edges");
        Assert.Empty(edges.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_json_error_names_its_line_and_position()
    {
        using var response = await Edge.PostAsync("/api/ext/data",
            new StringContent("{\"edgeId\":\"e\",\n \"streamId\": s}", Encoding.UTF8, "application/json"));
        var problem = await Batches.ProblemAsync(response, 400, "invalid-json");
        Assert.Equal(2, problem.GetProperty("line").GetInt64());
        Assert.Equal(13, problem.GetProperty("bytePositionInLine").GetInt64());
    }
}

public sealed class IngestTests_Sqlite() : IngestTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class IngestTests_Postgres(PostgresServer server) : IngestTests(new PostgresBackend(server));
