using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mtc.Cloud.Events;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

public abstract class SetupAndEventTests(IBackend backend) : ApiTestBase(backend)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> SetupAsync(HttpClient client, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsync("/api/ext/setup", Json(json));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Setup_answers_created_then_unchanged_then_updated()
    {
        const string body = """{"edgeId":"plant-1","name":"Plant 1","machines":[{"id":"m1","name":"Lathe 1","uuid":"mtc_adapter002"}]}""";
        var first = await SetupAsync(Edge, body);
        Assert.Equal("created", first.GetProperty("status").GetString());
        Assert.Equal("plant-1", first.GetProperty("edgeId").GetString());
        Assert.Equal(1, first.GetProperty("machines").GetInt32());
        Assert.Equal("unchanged", (await SetupAsync(Edge, body)).GetProperty("status").GetString());
        var renamed = body.Replace("Lathe 1", "Lathe One", StringComparison.Ordinal);
        Assert.Equal("updated", (await SetupAsync(Edge, renamed)).GetProperty("status").GetString());
        var added = """{"edgeId":"plant-1","machines":[{"id":"m1","name":"Lathe One","uuid":"mtc_adapter002"},{"id":"m2"}]}""";
        Assert.Equal("updated", (await SetupAsync(Edge, added)).GetProperty("status").GetString());

        var machines = await Batches.GetJsonAsync(Reader, "/api/ext/machines");
        Assert.Equal(["m1", "m2"], machines.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var m1 = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        Assert.Equal("Lathe One", m1.GetProperty("name").GetString());
        Assert.Equal("plant-1", m1.GetProperty("edgeId").GetString());
    }

    [Fact]
    public async Task Setup_accepts_the_older_shape()
    {
        var result = await SetupAsync(Edge, """{"edgeGatewayId":"gw-9","machines":["M1","M2"]}""");
        Assert.Equal("created", result.GetProperty("status").GetString());
        Assert.Equal(2, result.GetProperty("machines").GetInt32());
        var edge = await Batches.GetJsonAsync(Reader, "/api/ext/edges/gw-9");
        Assert.True(edge.GetProperty("registered").GetBoolean());
        Assert.Equal("gw-9", (await Batches.GetJsonAsync(Reader, "/api/ext/machines/M2")).GetProperty("edgeId").GetString());
    }

    [Fact]
    public async Task A_machine_of_another_edge_is_a_409_but_another_tenant_may_use_the_same_ids()
    {
        await SetupAsync(Edge, """{"edgeId":"plant-1","machines":["m1"]}""");
        using var taken = await Edge.PostAsync("/api/ext/setup", Json("""{"edgeId":"plant-2","machines":["m9","m1"]}"""));
        var problem = await Batches.ProblemAsync(taken, 409, "machine-taken");
        Assert.Equal("m1", problem.GetProperty("machineId").GetString());
        // Nothing of the refused setup was kept.
        using var m9 = await Reader.GetAsync("/api/ext/machines/m9");
        await Batches.ProblemAsync(m9, 404, "not-found");

        var other = await SetupAsync(OtherTenant, """{"edgeId":"plant-1","machines":["m1"]}""");
        Assert.Equal("created", other.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"machines":["m1"]}""")]
    [InlineData("""{"edgeId":"e1"}""")]
    [InlineData("""{"edgeId":"e1","machines":["m1","m1"]}""")]
    [InlineData("""{"edgeId":"e1","machines":[42]}""")]
    [InlineData("""[1,2]""")]
    public async Task A_bad_setup_is_a_400(string json)
    {
        using var response = await Edge.PostAsync("/api/ext/setup", Json(json));
        await Batches.ProblemAsync(response, 400, "invalid-request");
    }

    private async Task<HttpResponseMessage> PostEventAsync(string? key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event") { Content = Json(json) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return await Writer.SendAsync(request);
    }

    private const string SetupStart = """{"machineId":"m1","type":"setup_start","timestamp":"2026-11-27T08:00:00Z","data":{"job":"J-17"}}""";

    [Fact]
    public async Task An_event_is_stored_once_and_replayed_for_the_same_key()
    {
        await SetupAsync(Edge, """{"edgeId":"plant-1","machines":["m1"]}""");
        using var first = await PostEventAsync("3f2c-0001", SetupStart);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains(ExternalEventApi.ReplayedHeader));
        var body = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("received", body.GetProperty("status").GetString());
        var id = body.GetProperty("id").GetString();

        using var again = await PostEventAsync("3f2c-0001", SetupStart);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues(ExternalEventApi.ReplayedHeader).Single());
        Assert.Equal(id, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());

        using var other = await PostEventAsync("3f2c-0001", SetupStart.Replace("J-17", "J-18", StringComparison.Ordinal));
        await Batches.ProblemAsync(other, 422, "idempotency-key-reused");

        var events = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=setup_start");
        var stored = Assert.Single(events.GetProperty("items").EnumerateArray());
        Assert.Equal(id, stored.GetProperty("id").GetString());
        Assert.Equal("external", stored.GetProperty("source").GetString());
        Assert.Equal("J-17", stored.GetProperty("data").GetProperty("job").GetString());
        Assert.Equal("plant-1", stored.GetProperty("edgeId").GetString());
    }

    [Fact]
    public async Task The_same_key_with_the_same_json_written_otherwise_is_a_replay_and_a_bad_key_is_its_own_problem()
    {
        await SetupAsync(Edge, """{"edgeId":"plant-1","machines":["m1"]}""");
        using var first = await PostEventAsync("k-json", """{"machineId":"m1","type":"scrap","data":{"parts":2,"reason":"burr"}}""");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // Other property order, whitespace and number spelling: the same JSON, so the stored response again.
        using var same = await PostEventAsync("k-json", """{ "data": { "reason": "burr", "parts": 2.0 }, "type": "scrap", "machineId": "m1" }""");
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal("true", same.Headers.GetValues(ExternalEventApi.ReplayedHeader).Single());
        using var other = await PostEventAsync("k-json", """{"machineId":"m1","type":"scrap","data":{"parts":3,"reason":"burr"}}""");
        var reused = await Batches.ProblemAsync(other, 422, "idempotency-key-reused");
        Assert.Contains("new key", reused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var spaced = await PostEventAsync("has a space", SetupStart);
        var invalid = await Batches.ProblemAsync(spaced, 400, "idempotency-key-invalid");
        Assert.Contains("1-255 visible ASCII", invalid.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var tooLong = await PostEventAsync(new string('k', 256), SetupStart);
        await Batches.ProblemAsync(tooLong, 400, "idempotency-key-invalid");
        Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/events?type=scrap")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_same_event_posted_ten_times_at_once_is_stored_once()
    {
        await SetupAsync(Edge, """{"edgeId":"plant-1","machines":["m1"]}""");
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostEventAsync("k-concurrent", SetupStart)));
        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.True(s is 200 or 409, $"status {s}"));
        Assert.Contains(200, statuses);
        var events = await Batches.GetJsonAsync(Reader, "/api/ext/events");
        Assert.Single(events.GetProperty("items").EnumerateArray());
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task A_key_whose_first_request_is_still_running_is_a_409()
    {
        await SetupAsync(Edge, """{"edgeId":"plant-1","machines":["m1"]}""");
        // The state a first request is in while it runs: the key row is taken and has no response yet.
        var store = Db.Open();
        await using (store)
        {
            var begin = await store.BeginIdempotentAsync("acme", "k-running",
                ExternalEventApi.Fingerprint(ExternalEventApi.Route, JsonDocument.Parse(SetupStart).RootElement),
                DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(-24), DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);
            Assert.Equal(IdempotencyState.Started, begin.State);
        }
        using var response = await PostEventAsync("k-running", SetupStart);
        await Batches.ProblemAsync(response, 409, "idempotency-in-flight");
    }

    [Fact]
    public async Task An_event_needs_a_key_a_valid_body_and_a_known_machine()
    {
        await SetupAsync(Edge, """{"edgeId":"plant-1","machines":["m1"]}""");
        using var noKey = await PostEventAsync(null, SetupStart);
        await Batches.ProblemAsync(noKey, 400, "idempotency-key-missing");
        using var badBody = await PostEventAsync("k1", """{"machineId":"m1"}""");
        await Batches.ProblemAsync(badBody, 400, "invalid-request");
        using var badJson = await PostEventAsync("k1", """{"machineId":"m1",""");
        await Batches.ProblemAsync(badJson, 400, "invalid-json");
        using var unknown = await PostEventAsync("k2", SetupStart.Replace("\"m1\"", "\"m404\"", StringComparison.Ordinal));
        await Batches.ProblemAsync(unknown, 404, "not-found");
        // A 404 leaves the key free: once the machine exists the same key works.
        await SetupAsync(Edge, """{"edgeId":"plant-1","machines":["m1","m404"]}""");
        using var retried = await PostEventAsync("k2", SetupStart.Replace("\"m1\"", "\"m404\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    [Fact]
    public async Task An_event_in_the_older_shape_is_accepted()
    {
        await SetupAsync(Edge, """{"edgeGatewayId":"gw","machines":["M1"]}""");
        using var response = await PostEventAsync("legacy-1",
            """{"machineId":"M1","eventType":"downtime_reason","timestamp":"2026-11-27T09:30:00Z","data":{"reason":"material"}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=downtime_reason");
        var ev = Assert.Single(events.GetProperty("items").EnumerateArray());
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero), ev.GetProperty("start").GetDateTimeOffset());
    }

    [Fact]
    public async Task Events_since_a_cursor_return_only_newer_ones()
    {
        await SetupAsync(Edge, """{"edgeId":"plant-1","machines":["m1"]}""");
        for (var i = 0; i < 5; i++)
        {
            using var r = await PostEventAsync("note-" + i, $$$"""{"machineId":"m1","type":"note","data":{"n":{{{i}}}}}""");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var page1 = await Batches.GetJsonAsync(Reader, "/api/ext/events?limit=3");
        Assert.Equal([0, 1, 2], page1.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("data").GetProperty("n").GetInt32()));
        var cursor = page1.GetProperty("nextCursor").GetString();
        Assert.Equal(cursor, page1.GetProperty("resumeCursor").GetString());
        var page2 = await Batches.GetJsonAsync(Reader, "/api/ext/events?cursor=" + cursor);
        Assert.Equal([3, 4], page2.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("data").GetProperty("n").GetInt32()));
        // The last page so far: no next page, but the feed resumes after it.
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("nextCursor").ValueKind);
        var resume = page2.GetProperty("resumeCursor").GetString();
        var page3 = await Batches.GetJsonAsync(Reader, "/api/ext/events?cursor=" + resume);
        Assert.Empty(page3.GetProperty("items").EnumerateArray());
        Assert.Equal(resume, page3.GetProperty("resumeCursor").GetString());
        using (var r = await PostEventAsync("note-5", """{"machineId":"m1","type":"note","data":{"n":5}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var later = await Batches.GetJsonAsync(Reader, "/api/ext/events?cursor=" + resume);
        Assert.Equal([5], later.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("data").GetProperty("n").GetInt32()));
        using var bad = await Reader.GetAsync("/api/ext/events?cursor=abc");
        await Batches.ProblemAsync(bad, 400, "invalid-request");
    }
}

public sealed class SetupAndEventTests_Sqlite() : SetupAndEventTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class SetupAndEventTests_Postgres(PostgresServer server) : SetupAndEventTests(new PostgresBackend(server));
