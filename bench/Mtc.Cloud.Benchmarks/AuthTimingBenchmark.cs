using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Mtc.Cloud.Keys;

namespace Mtc.Cloud.Benchmarks;

/// <summary>
/// How long a refused API key takes to answer, by why it is refused: an id no key has, or a known id with a wrong secret.
/// The two are sent alternately over one keep-alive connection each, to the same host in the same run, with the host's
/// default key cache; the difference of the medians is what a caller could learn about which ids exist.
/// </summary>
internal static class AuthTimingBenchmark
{
    public static async Task RunAsync(BenchServer server, int requests)
    {
        var db = await server.NewDatabaseAsync();
        await using var host = await CloudHost.StartAsync(db);
        ApiKeyFormat.TryParse(host.Client.DefaultRequestHeaders.Authorization!.Parameter, out var knownId, out _);
        ApiKeyFormat.TryParse(ApiKeyFormat.Generate().Key, out var unknownId, out var secret);
        using var unknown = Client(host, $"mtc_{unknownId}_{secret}");
        using var wrong = Client(host, $"mtc_{knownId}_{secret}");
        Console.WriteLine($"auth: {requests:N0} refused requests each way, alternating, GET /api/ext/machines, {Environment.ProcessorCount} cores");

        await MeasureAsync(unknown, wrong, 200);
        var (u, w) = await MeasureAsync(unknown, wrong, requests);
        Console.WriteLine($"  unknown key id:          median {Ms(Median(u))} ms, p90 {Ms(Percentile(u, 0.9))} ms");
        Console.WriteLine($"  known id, wrong secret:  median {Ms(Median(w))} ms, p90 {Ms(Percentile(w, 0.9))} ms");
        Console.WriteLine($"auth median difference (unknown - wrong secret): {Ms(Median(u) - Median(w))} ms");
    }

    private static HttpClient Client(CloudHost host, string key)
    {
        var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<(List<double> Unknown, List<double> Wrong)> MeasureAsync(HttpClient unknown, HttpClient wrong, int requests)
    {
        var u = new List<double>(requests);
        var w = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            u.Add(await TimeAsync(unknown));
            w.Add(await TimeAsync(wrong));
        }
        return (u, w);
    }

    private static async Task<double> TimeAsync(HttpClient client)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync("/api/ext/machines");
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if ((int)response.StatusCode != 401)
        {
            throw new InvalidOperationException($"a refused key answered {(int)response.StatusCode}");
        }
        return elapsed;
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p) => values.Order().ElementAt((int)Math.Min(values.Count - 1, p * values.Count));

    private static string Ms(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
