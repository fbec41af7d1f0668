using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Mtc.Cloud.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mtc.Cloud.Tests.Webhooks;

/// <summary>
/// Opt-in measurement (<c>MTC_BENCH_WEBHOOKS=1</c>) on PostgreSQL: delivery latency from the ingest of the causing batch to
/// the receiver (p50/p99 over 1,000 events in batches of 10), and the worker's throughput on 1,000 queued events against a
/// bare loop of the same POSTs (HttpClient, as many in flight as the worker's batch) to the same receiver, in the same run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WebhookBenchmarkTests(PostgresServer server, ITestOutputHelper output) : ApiTestBase(new PostgresBackend(server))
{
    private const int Events = 1000;
    private const int BatchSize = 32;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cloud:Webhooks:AllowPrivateNetworks"] = "true",
        ["Cloud:Worker:BatchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture),
    };

    [WebhookBenchFact]
    public async Task Delivery_latency_and_worker_throughput_against_a_bare_http_loop()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await Webhooks.SubscribeAsync(Admin, receiver.Url("/latency"), "cycle");

        // Latency: batches of 10 posted one after another, each event timed from the start of its batch's POST.
        var sentAt = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var from = 1; from <= Events; from += 10)
        {
            var started = Stopwatch.GetTimestamp();
            await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-l", "s1", from, 10));
            foreach (var id in Webhooks.CycleIds(from, 10))
            {
                sentAt[id] = started;
            }
        }
        await receiver.WaitUntilAsync(r => r.DeliveredIds.Count == Events, TimeSpan.FromMinutes(2), "latency events");
        var latencies = receiver.Received.Select(r => Stopwatch.GetElapsedTime(sentAt[r.Id], r.At).TotalMilliseconds).Order().ToList();
        output.WriteLine($"latency ingest -> receiver over {Events} events: p50 {Percentile(latencies, 0.50):F1} ms, " +
            $"p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms");

        // Throughput: one batch of 1,000 events, timed until the last delivery arrives.
        await using var second = await WebhookReceiver.StartAsync();
        await Webhooks.SubscribeAsync(Admin, second.Url("/throughput"), "part");
        var parts = new Mtc.Core.Wire.IngestBatch("edge-t", "s1", 1, Events, Enumerable.Range(1, Events).Select(i => (Mtc.Core.Wire.WireRecord)
            new Mtc.Core.Wire.DerivedEventRecord
            {
                Seq = i, MachineId = "m9", Event = new Mtc.Core.Wire.DerivedEvent("part-" + i, "part", Batches.T0.AddSeconds(i), Batches.T0.AddSeconds(i), null),
            }).ToList());
        var clock = Stopwatch.StartNew();
        await Batches.PostOkAsync(Edge, parts);
        await second.WaitUntilAsync(r => r.DeliveredIds.Count == Events, TimeSpan.FromMinutes(2), "throughput events");
        var worker = Events / clock.Elapsed.TotalSeconds;

        var body = second.Received[0].Body;
        using var client = new HttpClient();
        var next = 0;
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, BatchSize).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= Events)
            {
                using var content = new StringContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(second.Url("/bare"), content);
                response.EnsureSuccessStatusCode();
            }
        }));
        var bare = Events / clock.Elapsed.TotalSeconds;
        output.WriteLine($"throughput over {Events} events: worker {worker:N0}/s (ingest, fan-out, lease, sign, POST, record), " +
            $"bare HttpClient loop {bare:N0}/s, ratio {worker / bare:F2}");
        Assert.Equal(Events, second.Received.Count(r => r.Path == "/bare"));
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>Runs only with <c>MTC_BENCH_WEBHOOKS=1</c>.</summary>
public sealed class WebhookBenchFactAttribute : FactAttribute
{
    public WebhookBenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MTC_BENCH_WEBHOOKS") != "1")
        {
            Skip = "opt-in measurement: set MTC_BENCH_WEBHOOKS=1 to run it";
        }
    }
}
