using System.Net.Http.Json;
using System.Text.Json;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Infrastructure;

/// <summary>Builds wire batches for tests.</summary>
public static class Batches
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Observations seq from..to; observation i (= seq) of data item "d{i % items}" at T0 + i seconds, value "v{i}".</summary>
    public static IngestBatch Observations(string edge, string stream, long from, long to, string machine = "m1", int items = 3) =>
        new(edge, stream, from, to, Enumerable.Range((int)from, (int)(to - from + 1))
            .Select(i => (WireRecord)Observation(i, machine, items)).ToList());

    public static ObservationRecord Observation(long seq, string machine = "m1", int items = 3) => new()
    {
        Seq = seq,
        MachineId = machine,
        InstanceId = "1700000000",
        Sequence = 1000 + seq,
        DataItemId = "d" + (seq % items),
        Name = "item" + (seq % items),
        Category = "EVENT",
        Type = "PROGRAM",
        Timestamp = T0.AddSeconds(seq),
        Value = "v" + seq,
    };

    public static DerivedEventRecord Cycle(long seq, string machine, DateTimeOffset start, double seconds, string program = "O1000", long parts = 1) => new()
    {
        Seq = seq,
        MachineId = machine,
        Event = new DerivedEvent("cycle-" + seq, DerivedEventTypes.Cycle, start, start.AddSeconds(seconds),
            JsonSerializer.SerializeToElement(new CycleData(seconds, seconds * 0.9, seconds * 0.1, program, parts, "COMPLETE"), WireJsonContext.Default.CycleData)),
    };

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, IngestBatch batch) =>
        client.PostAsJsonAsync("/api/ext/data", batch, WireJsonContext.Default.IngestBatch);

    public static async Task<IngestResult> PostOkAsync(HttpClient client, IngestBatch batch)
    {
        using var response = await PostAsync(client, batch);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize(text, WireJsonContext.Default.IngestResult)!;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Every observation of a machine, following the cursor through all pages.</summary>
    public static async Task<List<JsonElement>> AllObservationsAsync(HttpClient client, string machine, int pageSize = 500)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync(client, $"/api/ext/machines/{machine}/observations?limit={pageSize}" +
                (cursor is null ? "" : "&cursor=" + cursor));
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>Reads a problem document and checks it is one (content type, status, stable type).</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal("urn:mtc:problem:" + type, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
