using System.Net;
using System.Text;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// U+0000 in what clients send: PostgreSQL's text and jsonb cannot hold it. Free text is stored with U+FFFD in its
/// place on both backends (the batch is accepted, the hwm moves); an identifier with a control character is a 400
/// whose type names the field.
/// </summary>
public abstract class NulTextTests(IBackend backend) : ApiTestBase(backend)
{
    private const char Nul = '\0';
    private const char Replacement = '\uFFFD';

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The stored form the API promises, computed here on its own.</summary>
    private static string Stored(string sent) => sent.Replace(Nul, Replacement);

    private static string Escaped(string text) => JsonSerializer.Serialize(text);

    [Fact]
    public async Task Nul_in_every_free_text_of_a_batch_is_stored_as_U_FFFD_and_the_hwm_moves()
    {
        var value = "spindle" + Nul + "overload";
        var message = Nul + "too hot" + Nul;
        var code = "T" + Nul + "1";
        var name = "Lathe" + Nul + "7";
        var program = "O1" + Nul + "00";
        var reason = "OUT" + Nul + "OF_RANGE";
        var note = "queue" + Nul;
        // Record 1 is read by the fast pass; record 2 (sequence as a string) by the generated deserializer.
        var json = $$"""
            {"edgeId":"plant-1","streamId":"s1","fromSeq":1,"toSeq":6,"records":[
              {"seq":1,"kind":"observation","machineId":"m7","sequence":5,"dataItemId":"exec","name":{{Escaped(name)}},
               "timestamp":"2026-11-27T08:00:00Z","value":{{Escaped(value)}}},
              {"seq":2,"kind":"observation","machineId":"m7","sequence":"6","dataItemId":"cond","category":"CONDITION","type":"TEMPERATURE",
               "timestamp":"2026-11-27T08:00:01Z","value":{{Escaped(message)}},"level":"FAULT","nativeCode":{{Escaped(code)}}},
              {"kind":"deviceModel","seq":3,"machineId":"m7","uuid":"u-7","name":{{Escaped(name)}},"document":{{Escaped("<MTConnectDevices>" + Nul + "</MTConnectDevices>")}}},
              {"kind":"derivedEvent","seq":4,"machineId":"m7","event":{"id":"c1","type":"cycle","start":"2026-11-27T08:00:00Z","end":"2026-11-27T08:01:00Z",
               "data":{"durationSeconds":60,"activeSeconds":60,"interruptedSeconds":0,"completion":"complete","program":{{Escaped(program)}},"parts":1,{{Escaped("k" + Nul)}}:"v"} } },
              {"kind":"gap","seq":5,"machineId":"m7","source":"agent","missed":2,"reason":{{Escaped(reason)}}},
              {"kind":"edgeStatus","seq":6,"timestamp":"2026-11-27T08:00:02Z","data":{"note":{{Escaped(note)}},"outboxDepth":3} }
            ]}
            """;
        Assert.Contains("\\u0000", json, StringComparison.Ordinal);

        using var response = await Edge.PostAsync("/api/ext/data", Json(json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(6, JsonDocument.Parse(body).RootElement.GetProperty("hwm").GetInt64());

        var observations = await Batches.AllObservationsAsync(Reader, "m7");
        Assert.Equal([Stored(value), Stored(message)], observations.Select(o => o.GetProperty("value").GetString()));
        Assert.Equal(Stored(code), observations[1].GetProperty("condition").GetProperty("nativeCode").GetString());
        var machine = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m7");
        Assert.Equal(Stored(name), machine.GetProperty("name").GetString());
        var current = machine.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("dataItemId").GetString()!);
        Assert.Equal(Stored(value), current["exec"].GetProperty("value").GetString());
        Assert.Equal(Stored(name), current["exec"].GetProperty("name").GetString());

        var cycles = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=cycle");
        var data = Assert.Single(cycles.GetProperty("items").EnumerateArray()).GetProperty("data");
        Assert.Equal(Stored(program), data.GetProperty("program").GetString());
        Assert.Equal("v", data.GetProperty(Stored("k" + Nul)).GetString());
        var cycleTime = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m7/cycle-time");
        Assert.Equal(Stored(program), Assert.Single(cycleTime.GetProperty("items").EnumerateArray()).GetProperty("program").GetString());
        var gaps = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=gap");
        Assert.Equal(Stored(reason), Assert.Single(gaps.GetProperty("items").EnumerateArray()).GetProperty("data").GetProperty("reason").GetString());
        var edge = await Batches.GetJsonAsync(Reader, "/api/ext/edges/plant-1");
        Assert.Equal(Stored(note), edge.GetProperty("status").GetProperty("note").GetString());
        Assert.Equal(6, Assert.Single(edge.GetProperty("streams").EnumerateArray()).GetProperty("hwm").GetInt64());
    }

    [Fact]
    public async Task An_ended_cycle_whose_data_lacks_required_fields_is_a_400_not_a_500()
    {
        const string json = """
            {"edgeId":"plant-1","streamId":"s1","fromSeq":1,"toSeq":1,"records":[
              {"kind":"derivedEvent","seq":1,"machineId":"m7","event":{"id":"c1","type":"cycle","start":"2026-11-27T08:00:00Z","end":"2026-11-27T08:01:00Z",
               "data":{"durationSeconds":60}}}]}
            """;
        using var response = await Edge.PostAsync("/api/ext/data", Json(json));
        var problem = await Batches.ProblemAsync(response, 400, "invalid-request");
        Assert.Equal("records[0].event.data", problem.GetProperty("field").GetString());
        var edges = await Batches.GetJsonAsync(Reader, "/api/ext/edges");
        Assert.Empty(edges.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_escaped_backslash_before_u0000_is_text_and_kept()
    {
        // JSON "\\u0000" is a backslash and the five characters u0000, not a NUL: it is kept as sent.
        const string json = """
            {"edgeId":"plant-1","streamId":"s1","fromSeq":1,"toSeq":2,"records":[
              {"seq":1,"kind":"observation","machineId":"m1","sequence":1,"dataItemId":"d","timestamp":"2026-11-27T08:00:00Z","value":"a\\u0000b"},
              {"kind":"edgeStatus","seq":2,"timestamp":"2026-11-27T08:00:02Z","data":{"path":"C:\\u0000"}}
            ]}
            """;
        using var response = await Edge.PostAsync("/api/ext/data", Json(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var observation = Assert.Single(await Batches.AllObservationsAsync(Reader, "m1"));
        Assert.Equal("a\\u0000b", observation.GetProperty("value").GetString());
        var edge = await Batches.GetJsonAsync(Reader, "/api/ext/edges/plant-1");
        Assert.Equal("C:\\u0000", edge.GetProperty("status").GetProperty("path").GetString());
    }

    public static TheoryData<string, string> BadIds() => new()
    {
        { """{"edgeId":"e\u0000","streamId":"s","fromSeq":1,"toSeq":1,"records":[]}""", "invalid-edge-id" },
        { """{"edgeId":"e","streamId":"s\u0007","fromSeq":1,"toSeq":1,"records":[]}""", "invalid-stream-id" },
        { """{"edgeId":"e","streamId":"s","fromSeq":1,"toSeq":1,"records":[{"seq":1,"kind":"observation","machineId":"m\u0000","sequence":1,"dataItemId":"d","timestamp":"2026-11-27T08:00:00Z","value":"v"}]}""", "invalid-machine-id" },
        { """{"edgeId":"e","streamId":"s","fromSeq":1,"toSeq":2,"records":[{"seq":1,"kind":"observation","machineId":"m","sequence":1,"dataItemId":"d","timestamp":"2026-11-27T08:00:00Z","value":"v"},{"seq":2,"kind":"observation","machineId":"m","sequence":2,"dataItemId":"d\u0000","timestamp":"2026-11-27T08:00:00Z","value":"v"}]}""", "invalid-data-item-id" },
        { """{"edgeId":"e","streamId":"s","fromSeq":1,"toSeq":1,"records":[{"seq":1,"kind":"observation","machineId":"m","sequence":"1","dataItemId":"\u0000","timestamp":"2026-11-27T08:00:00Z","value":"v"}]}""", "invalid-data-item-id" },
        { """{"edgeId":"e","streamId":"s","fromSeq":1,"toSeq":1,"records":[{"kind":"derivedEvent","seq":1,"machineId":"m","event":{"id":"c1","type":"cycle\u0000","start":"2026-11-27T08:00:00Z"}}]}""", "invalid-event-type" },
        { """{"edgeId":"e","streamId":"s","fromSeq":1,"toSeq":1,"records":[{"kind":"derivedEvent","seq":1,"machineId":"m","event":{"id":"c\u0000","type":"cycle","start":"2026-11-27T08:00:00Z"}}]}""", "invalid-event-id" },
        { """{"edgeId":"e","streamId":"s","fromSeq":1,"toSeq":1,"records":[{"kind":"deviceModel","seq":1,"machineId":"m\u0000","document":"<x/>"}]}""", "invalid-machine-id" },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task An_id_with_a_control_character_is_a_400_naming_the_field_and_nothing_is_stored(string json, string type)
    {
        using var response = await Edge.PostAsync("/api/ext/data", Json(json));
        var problem = await Batches.ProblemAsync(response, 400, type);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("field").GetString()));
        var edges = await Batches.GetJsonAsync(Reader, "/api/ext/edges");
        Assert.Empty(edges.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Setup_names_keep_their_text_and_setup_ids_with_control_characters_are_refused()
    {
        var name = "Mill" + Nul + "1";
        using var ok = await Edge.PostAsync("/api/ext/setup",
            Json($$"""{"edgeId":"plant-1","name":{{Escaped("Hall" + Nul)}},"machines":[{"id":"m1","name":{{Escaped(name)}} }]}"""));
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        var machine = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        Assert.Equal(Stored(name), machine.GetProperty("name").GetString());

        using var badEdge = await Edge.PostAsync("/api/ext/setup", Json("""{"edgeId":"plant\u0000","machines":["m2"]}"""));
        await Batches.ProblemAsync(badEdge, 400, "invalid-edge-id");
        using var badMachine = await Edge.PostAsync("/api/ext/setup", Json("""{"edgeId":"plant-1","machines":["m\u00002"]}"""));
        await Batches.ProblemAsync(badMachine, 400, "invalid-machine-id");
    }

    [Fact]
    public async Task An_external_event_keeps_its_data_text_and_refuses_control_characters_in_its_type_and_machine()
    {
        using var setup = await Edge.PostAsync("/api/ext/setup", Json("""{"edgeId":"plant-1","machines":["m1"]}"""));
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        var text = "scrap" + Nul + "reason";
        using var ok = await PostEventAsync("k-1", $$"""{"machineId":"m1","type":"note","data":{"text":{{Escaped(text)}} } }""");
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        var notes = await Batches.GetJsonAsync(Reader, "/api/ext/events?type=note");
        Assert.Equal(Stored(text), Assert.Single(notes.GetProperty("items").EnumerateArray()).GetProperty("data").GetProperty("text").GetString());

        using var badType = await PostEventAsync("k-2", """{"machineId":"m1","type":"no\u0000te"}""");
        await Batches.ProblemAsync(badType, 400, "invalid-event-type");
        using var badMachine = await PostEventAsync("k-3", """{"machineId":"m\u00001","type":"note"}""");
        await Batches.ProblemAsync(badMachine, 400, "invalid-machine-id");
    }

    [Theory]
    [InlineData("/api/ext/cycle-time?machineId=m1%00", 404)]
    [InlineData("/api/ext/events?type=gap%00", 200)]
    [InlineData("/api/ext/events?machineId=m1%00", 200)]
    public async Task A_read_with_a_nul_in_a_query_finds_nothing_and_is_not_a_500(string url, int status)
    {
        await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 2));
        using var response = await Reader.GetAsync(url);
        Assert.True(status == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        if (status == 200)
        {
            Assert.Empty(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
        }
    }

    [Fact]
    public async Task A_lone_surrogate_escape_is_invalid_json_not_a_500()
    {
        const string json = """
            {"edgeId":"plant-1","streamId":"s1","fromSeq":1,"toSeq":1,"records":[
              {"seq":1,"kind":"observation","machineId":"m1","sequence":1,"dataItemId":"d","timestamp":"2026-11-27T08:00:00Z","value":"a\ud800b"}]}
            """;
        using var response = await Edge.PostAsync("/api/ext/data", Json(json));
        await Batches.ProblemAsync(response, 400, "invalid-json");
    }

    // A %00 in a path is refused by ASP.NET Core itself (400) before any route runs.

    [Fact]
    public async Task The_openapi_document_says_how_text_and_ids_are_stored()
    {
        using var client = Factory.CreateClient();
        var schemas = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("components").GetProperty("schemas");
        string Description(string schema, string property) =>
            schemas.GetProperty(schema).GetProperty("properties").GetProperty(property).GetProperty("description").GetString()!;
        Assert.Contains("U+FFFD", Description("WireRecordObservationRecord", "value"), StringComparison.Ordinal);
        Assert.Contains("U+FFFD", Description("SetupMachine", "name"), StringComparison.Ordinal);
        Assert.Contains("urn:mtc:problem:invalid-data-item-id", Description("WireRecordObservationRecord", "dataItemId"), StringComparison.Ordinal);
        Assert.Contains("urn:mtc:problem:invalid-event-type", Description("EventRequest", "type"), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostEventAsync(string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event") { Content = Json(json) };
        request.Headers.Add("Idempotency-Key", key);
        return await Writer.SendAsync(request);
    }
}

public sealed class NulTextTests_Sqlite() : NulTextTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class NulTextTests_Postgres(PostgresServer server) : NulTextTests(new PostgresBackend(server));
