using System.Net;
using System.Text;
using System.Text.Json;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// Values the JSON of a batch allows but no store can hold sensibly (a year-9999 timestamp, a negative gap count, a cycle
/// longer than a lifetime) are a 400 naming the field, so the edge quarantines the batch instead of retrying a 500 forever.
/// </summary>
public abstract class IngestLimitsTests(IBackend backend) : ApiTestBase(backend)
{
    internal static string Batch(long from, long to, params string[] records) =>
        $$"""{"edgeId":"plant-1","streamId":"s1","fromSeq":{{from}},"toSeq":{{to}},"records":[{{string.Join(',', records)}}]}""";

    internal static string Obs(long seq, string timestamp = "2026-11-27T08:00:00Z", long sequence = 100) =>
        $$"""{"kind":"observation","seq":{{seq}},"machineId":"m1","instanceId":"1","sequence":{{sequence}},"dataItemId":"d1","timestamp":"{{timestamp}}","value":"v{{seq}}"}""";

    internal static string Gap(long seq, string fields) =>
        $$"""{"kind":"gap","seq":{{seq}},"machineId":"m1","source":"agent","reason":"test",{{fields}}}""";

    internal static string Cycle(long seq, double seconds) =>
        $$"""{"kind":"derivedEvent","seq":{{seq}},"machineId":"m1","event":{"id":"c{{seq}}","type":"cycle","start":"2026-11-27T08:00:00Z","end":"2026-11-27T08:01:00Z","data":{"durationSeconds":{{seconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}},"activeSeconds":60,"interruptedSeconds":0,"program":"O1","parts":1,"completion":"COMPLETE" """
        + "}}}";

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static TheoryData<string, string> OutOfRangeTimes => new()
    {
        { Obs(2, "9999-12-31T00:00:00Z"), "records[1].timestamp" },
        { Obs(2, "9999-12-31T23:59:59.9999999Z"), "records[1].timestamp" },
        { Obs(2, "0001-01-01T00:00:00Z"), "records[1].timestamp" },
        { Obs(2, "1969-12-31T23:59:59.999999Z"), "records[1].timestamp" },
        { Obs(2, "2200-01-01T00:00:00Z"), "records[1].timestamp" },
        { Obs(2, "0001-01-01T00:00:00-05:00"), "records[1].timestamp" },
        { Obs(2, "2199-12-31T20:00:00-05:00"), "records[1].timestamp" },
        { """{"kind":"derivedEvent","seq":2,"machineId":"m1","event":{"id":"s1","type":"status","start":"9999-12-31T00:00:00Z","data":{"status":"IDLE"}}}""", "records[1].event.start" },
        { """{"kind":"derivedEvent","seq":2,"machineId":"m1","event":{"id":"s1","type":"status","start":"2026-11-27T08:00:00Z","end":"9999-12-31T00:00:00Z"}}""", "records[1].event.end" },
        { """{"kind":"derivedEvent","seq":2,"machineId":"m1","event":{"id":"s1","type":"status","start":"0001-01-01T00:00:00Z"}}""", "records[1].event.start" },
        { """{"kind":"edgeStatus","seq":2,"timestamp":"9999-12-31T00:00:00Z","data":{"outboxDepth":1}}""", "records[1].timestamp" },
    };

    [Theory]
    [MemberData(nameof(OutOfRangeTimes))]
    public async Task An_out_of_range_time_is_a_400_naming_the_field_not_a_500_that_wedges_the_uplink(string record, string field)
    {
        using (var refused = await Edge.PostAsync("/api/ext/data", Json(Batch(1, 2, Obs(1), record))))
        {
            var problem = await Batches.ProblemAsync(refused, 400, "time-out-of-range");
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(field, problem.GetProperty("detail").GetString());
        }
        using (var nothing = await Reader.GetAsync("/api/ext/machines/m1"))
        {
            Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);
        }
        // The uplink goes on: the next batch of the stream is stored.
        using var next = await Edge.PostAsync("/api/ext/data", Json(Batch(3, 3, Obs(3))));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Single(await Batches.AllObservationsAsync(Reader, "m1"));
    }

    [Theory]
    [InlineData("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z")]
    [InlineData("1970-01-01T05:00:00+05:00", "1970-01-01T00:00:00Z")]
    [InlineData("2199-12-31T23:59:59.999999Z", "2199-12-31T23:59:59.999999Z")]
    public async Task Times_at_the_edges_of_the_accepted_range_are_stored(string timestamp, string stored)
    {
        using (var response = await Edge.PostAsync("/api/ext/data", Json(Batch(1, 1, Obs(1, timestamp)))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var observation = Assert.Single(await Batches.AllObservationsAsync(Reader, "m1"));
        Assert.Equal(DateTimeOffset.Parse(stored, System.Globalization.CultureInfo.InvariantCulture), observation.GetProperty("timestamp").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_integrator_event_stamped_9999_is_a_400_naming_timestamp()
    {
        using (var setup = await Edge.PostAsync("/api/ext/setup", Json("""{"edgeId":"plant-1","machines":["m1"]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event")
        {
            Content = Json("""{"machineId":"m1","type":"note","timestamp":"9999-12-31T00:00:00Z"}"""),
        };
        request.Headers.Add("Idempotency-Key", "late-1");
        using var response = await Writer.SendAsync(request);
        var problem = await Batches.ProblemAsync(response, 400, "time-out-of-range");
        Assert.Equal("timestamp", problem.GetProperty("field").GetString());
    }

    public static TheoryData<string, string> BadGaps => new()
    {
        { Gap(1, "\"missed\":-1"), "records[0].missed" },
        { Gap(1, "\"missed\":-5,\"fromSequence\":7,\"toSequence\":18"), "records[0].missed" },
        { Gap(1, "\"missed\":3,\"fromSequence\":10,\"toSequence\":5"), "records[0].fromSequence" },
        { Gap(1, "\"missed\":13,\"fromSequence\":7,\"toSequence\":18"), "records[0].missed" },
        { Gap(1, "\"fromSequence\":-3"), "records[0].fromSequence" },
        { Gap(1, "\"toSequence\":-1"), "records[0].toSequence" },
    };

    [Theory]
    [MemberData(nameof(BadGaps))]
    public async Task A_gap_with_a_negative_missed_or_an_inconsistent_range_is_a_400_naming_the_field(string gap, string field)
    {
        using var response = await Edge.PostAsync("/api/ext/data", Json(Batch(1, 1, gap)));
        var problem = await Batches.ProblemAsync(response, 400, "invalid-gap");
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(field, problem.GetProperty("detail").GetString());
        var events = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=gap");
        Assert.Empty(events.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("\"missed\":12,\"fromSequence\":7,\"toSequence\":18")]
    [InlineData("\"missed\":5,\"fromSequence\":7,\"toSequence\":18")]
    [InlineData("\"missed\":0")]
    [InlineData("\"fromSequence\":7")]
    public async Task A_consistent_gap_is_stored(string fields)
    {
        using var response = await Edge.PostAsync("/api/ext/data", Json(Batch(1, 1, Gap(1, fields))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=gap");
        Assert.Single(events.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Gaps_whose_missed_counts_add_up_past_a_64_bit_integer_are_stored_not_a_500()
    {
        var max = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var response = await Edge.PostAsync("/api/ext/data", Json(Batch(1, 2, Gap(1, $"\"missed\":{max}"), Gap(2, $"\"missed\":{max}")))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await Edge.PostAsync("/api/ext/data", Json(Batch(3, 3, Gap(3, $"\"missed\":{max}")))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var edges = await Batches.GetJsonAsync(Reader, "/api/ext/edges");
        var stream = Assert.Single(Assert.Single(edges.GetProperty("items").EnumerateArray()).GetProperty("streams").EnumerateArray());
        Assert.Equal(long.MaxValue, stream.GetProperty("missedKnown").GetInt64());
        Assert.Equal(3, stream.GetProperty("gaps").GetInt64());
    }

    [Fact]
    public async Task An_observation_with_a_negative_sequence_is_a_400_naming_sequence()
    {
        using var response = await Edge.PostAsync("/api/ext/data", Json(Batch(1, 2, Obs(1), Obs(2, sequence: -7))));
        var problem = await Batches.ProblemAsync(response, 400, "invalid-request");
        Assert.Equal("records[1].sequence", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_cycle_lasting_1e308_seconds_is_a_400_not_a_summary_that_overflows()
    {
        using var response = await Edge.PostAsync("/api/ext/data", Json(Batch(1, 2, Cycle(1, 1.7e308), Cycle(2, 1.7e308))));
        var problem = await Batches.ProblemAsync(response, 400, "invalid-request");
        Assert.Equal("records[0].event.data.durationSeconds", problem.GetProperty("field").GetString());
        using var summary = await Reader.GetAsync("/api/ext/machines/m1/cycle-time");
        Assert.True(summary.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{(int)summary.StatusCode}");
    }

    [Fact]
    public async Task A_real_cloud_process_answers_each_hostile_batch_with_its_problem_and_keeps_ingesting()
    {
        var db = await Backend.NewDatabaseAsync();
        await using (var store = db.Open())
        {
            await store.MigrateAsync(CancellationToken.None);
        }
        var key = (await ApiKeyAdmin.CreateAsync(db, "acme", ["admin"], "test", TimeProvider.System, CancellationToken.None)).Key;
        await using var cloud = await CloudProcess.StartAsync(db);
        using var client = cloud.ClientWith(key);
        var max = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (string Body, int Status, string Type)[] cases =
        [
            (Batch(1, 2, Obs(1), Obs(2, "9999-12-31T00:00:00Z")), 400, "time-out-of-range"),
            (Batch(1, 1, Obs(1, "0001-01-01T00:00:00Z")), 400, "time-out-of-range"),
            (Batch(1, 1, Gap(1, "\"missed\":-1")), 400, "invalid-gap"),
            (Batch(1, 1, Gap(1, "\"missed\":3,\"fromSequence\":10,\"toSequence\":5")), 400, "invalid-gap"),
            (Batch(1, 1, Cycle(1, 1.7e308)), 400, "invalid-request"),
            (Batch(1, 1, Obs(1, sequence: -1)), 400, "invalid-request"),
            (Batch(1, 2, Gap(1, $"\"missed\":{max}"), Gap(2, $"\"missed\":{max}")), 200, ""),
        ];
        foreach (var (body, status, type) in cases)
        {
            using var response = await client.PostAsync("/api/ext/data", Json(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == (int)response.StatusCode, $"{body}: {(int)response.StatusCode} {text}\n{cloud.Output}");
            if (status != 200)
            {
                using var problem = JsonDocument.Parse(text);
                Assert.Equal("urn:mtc:problem:" + type, problem.RootElement.GetProperty("type").GetString());
                Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
            }
        }
        using (var good = await client.PostAsync("/api/ext/data", Json(Batch(3, 4, Obs(3), Obs(4, sequence: 101)))))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        }
        Assert.Equal(2, (await Batches.AllObservationsAsync(client, "m1")).Count);
        using (var health = await client.GetAsync("/api/ext/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        Assert.False(cloud.HasExited, cloud.Output);
        Assert.DoesNotContain("Unhandled exception", cloud.Output, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class IngestLimitsTests_Sqlite() : IngestLimitsTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class IngestLimitsTests_Postgres(PostgresServer server) : IngestLimitsTests(new PostgresBackend(server));
