using System.Text;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// A batch the cloud refuses with a 400 is one the edge quarantines for good: the edges read counts them per edge and the
/// tenant feed lists each as a batch_refused event.
/// </summary>
public abstract class RefusedBatchTests(IBackend backend) : ApiTestBase(backend)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Batch(string edge, long from, long to, string time) => $$"""
        {"edgeId":"{{edge}}","streamId":"s1","fromSeq":{{from}},"toSeq":{{to}},"records":[
          {"kind":"observation","seq":{{from}},"machineId":"m1","instanceId":"1","sequence":{{from}},"dataItemId":"d1","timestamp":"{{time}}","value":"v"}]}
        """;

    private async Task PostAsync(string body, int status)
    {
        using var response = await Edge.PostAsync("/api/ext/data", Json(body));
        Assert.True(status == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Refused_batches_of_a_known_edge_are_counted_and_listed_in_the_feed_an_unknown_edge_stays_unknown()
    {
        await PostAsync(Batch("plant-1", 1, 1, "2026-11-27T08:00:00Z"), 200);
        await PostAsync(Batch("plant-1", 2, 2, "9999-12-31T00:00:00Z"), 400);
        await PostAsync(Batch("plant-1", 3, 3, "1960-01-01T00:00:00Z"), 400);
        await PostAsync(Batch("plant-1", 4, 4, "2026-11-27T08:00:04Z"), 200);
        // The first batch of an edge the tenant does not have yet, refused: nothing is kept, the edge stays unknown.
        await PostAsync(Batch("plant-9", 1, 1, "9999-12-31T00:00:00Z"), 400);
        // A registered edge that never sent a batch has its refusals counted.
        using (var setup = await Edge.PostAsync("/api/ext/setup", Json("""{"edgeId":"plant-2","machines":["m2"]}""")))
        {
            Assert.True(setup.IsSuccessStatusCode);
        }
        await PostAsync(Batch("plant-2", 1, 1, "1960-01-01T00:00:00Z"), 400);
        // An edge id the cloud cannot name is refused and kept nowhere.
        await PostAsync(Batch("bad\u0001edge".Replace("\u0001", "\\u0001", StringComparison.Ordinal), 1, 1, "9999-12-31T00:00:00Z"), 400);

        var edge = await Batches.GetJsonAsync(Reader, "/api/ext/edges/plant-1");
        Assert.Equal(2, edge.GetProperty("refusedBatches").GetInt64());
        Assert.Equal(2, edge.GetProperty("recordsReceived").GetInt64());
        var list = (await Batches.GetJsonAsync(Reader, "/api/ext/edges")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["plant-1", "plant-2"], list.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal([2L, 1L], list.Select(e => e.GetProperty("refusedBatches").GetInt64()));
        Assert.Equal(0, list[1].GetProperty("recordsReceived").GetInt64());
        using (var unknown = await Reader.GetAsync("/api/ext/edges/plant-9"))
        {
            await Batches.ProblemAsync(unknown, 404, "not-found");
        }

        var feed = (await Batches.GetJsonAsync(Reader, "/api/ext/events?type=batch_refused")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["plant-1", "plant-1", "plant-2"], feed.Select(e => e.GetProperty("edgeId").GetString()));
        var first = feed[0];
        Assert.Equal("cloud", first.GetProperty("source").GetString());
        Assert.Equal("plant-1", first.GetProperty("edgeId").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("machineId").ValueKind);
        Assert.Equal(2, first.GetProperty("data").GetProperty("fromSeq").GetInt64());
        Assert.Equal(400, first.GetProperty("data").GetProperty("status").GetInt32());
        Assert.Equal("urn:mtc:problem:time-out-of-range", first.GetProperty("data").GetProperty("problem").GetString());
        Assert.Equal("s1", first.GetProperty("data").GetProperty("streamId").GetString());

        // Another tenant sees none of it.
        Assert.Empty((await Batches.GetJsonAsync(OtherTenant, "/api/ext/edges")).GetProperty("items").EnumerateArray());
    }
}

public sealed class RefusedBatchTests_Sqlite() : RefusedBatchTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class RefusedBatchTests_Postgres(PostgresServer server) : RefusedBatchTests(new PostgresBackend(server));
