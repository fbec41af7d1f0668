using System.Net.Http.Json;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Webhooks;

/// <summary>Subscriptions and events for the webhook tests.</summary>
public static class Webhooks
{
    /// <summary>Creates a subscription; its id and the secret shown once.</summary>
    public static async Task<(string Id, string Secret)> SubscribeAsync(HttpClient admin, string url, params string[] types)
    {
        using var response = await admin.PostAsJsonAsync("/api/ext/webhooks", new { url, eventTypes = types, description = "test" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(201 == (int)response.StatusCode, text);
        var created = JsonDocument.Parse(text).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    /// <summary>A batch of <paramref name="count"/> ended cycles from seq <paramref name="from"/>; their ids are cycle-{seq}.</summary>
    public static IngestBatch Cycles(string edge, string stream, long from, int count, string machine = "m1") =>
        new(edge, stream, from, from + count - 1, Enumerable.Range(0, count)
            .Select(i => (WireRecord)Batches.Cycle(from + i, machine, Batches.T0.AddMinutes(from + i), 30)).ToList());

    public static IEnumerable<string> CycleIds(long from, int count) => Enumerable.Range(0, count).Select(i => "cycle-" + (from + i));

    /// <summary>
    /// Waits until every delivery of a webhook has <paramref name="status"/>: a receiver sees a request before the worker
    /// records its answer, so what the receiver got says nothing yet about what the API shows.
    /// </summary>
    public static async Task<List<JsonElement>> DeliveriesWhenAllAsync(HttpClient admin, string webhookId, string status, TimeSpan patience)
    {
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            var all = await DeliveriesAsync(admin, webhookId);
            if (all.Count > 0 && all.All(d => d.GetProperty("status").GetString() == status))
            {
                return all;
            }
            Assert.True(DateTime.UtcNow < until,
                $"deliveries of {webhookId} are {string.Join(", ", all.Select(d => d.GetProperty("status").GetString()))}, not all {status}");
            await Task.Delay(50);
        }
    }

    /// <summary>Every delivery of a subscription, following the cursor.</summary>
    public static async Task<List<JsonElement>> DeliveriesAsync(HttpClient admin, string webhookId)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await Batches.GetJsonAsync(admin, $"/api/ext/webhooks/{webhookId}/deliveries?limit=200" + (cursor is null ? "" : "&cursor=" + cursor));
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return all;
    }
}
