using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Wire;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit.Abstractions;

namespace Mtc.Cloud.Tests.Bus;

/// <summary>
/// Opt-in measurement (<c>MTC_BENCH_BUS=1</c>) on PostgreSQL with both sinks on: latency from the ingest POST to a consumer
/// (p50/p99 over 1,000 events in batches of 10, per bus), and throughput on 1,000 queued events against a bare publish loop of
/// the same payloads (MQTTnet QoS 1, JetStream with Nats-Msg-Id, as many in flight as the sink's batch), in the same run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BusBenchmarkTests(PostgresServer server, ITestOutputHelper output) : ApiTestBase(new PostgresBackend(server))
{
    private const int Events = 1000;
    private const int BatchSize = 64;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private BrokerProcess _mqtt = null!;
    private BrokerProcess _nats = null!;

    protected override IReadOnlyDictionary<string, string?> Settings
    {
        get
        {
            var s = BusEvents.Settings(_mqtt.Port, _nats.Port, "bench-cloud");
            s["Cloud:Bus:BatchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture);
            s["Cloud:Bus:TimeoutSeconds"] = "10";
            s["Cloud:Worker:PollIntervalSeconds"] = "0.5";
            s["Alerts:Enabled"] = "false";
            return s;
        }
    }

    public override async Task InitializeAsync()
    {
        _mqtt = await BrokerProcess.MosquittoAsync();
        _nats = await BrokerProcess.NatsAsync();
        await base.InitializeAsync();
        _ = Factory.Server;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _mqtt.DisposeAsync();
        await _nats.DisposeAsync();
    }

    [BusBenchFact]
    public async Task Publish_latency_and_throughput_against_bare_publish_loops()
    {
        await using var mqtt = await UnsConsumer.StartAsync(_mqtt.Port, "acme/plant1/turning/+/events/#");
        await using var nats = new NatsConnection(NatsOpts.Default with { Url = $"nats://127.0.0.1:{_nats.Port}" });
        await nats.ConnectAsync();
        var natsSeen = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var listening = Task.Run(async () =>
        {
            await foreach (var m in nats.SubscribeAsync<byte[]>("mtc.>", cancellationToken: stop.Token))
            {
                var at = Stopwatch.GetTimestamp();
                if (m.Headers is { } h && h.TryGetValue("Nats-Msg-Id", out var id))
                {
                    natsSeen.TryAdd(id.ToString(), at);
                }
            }
        });
        await nats.PingAsync();

        // Latency: batches of 10 posted one after another, each event timed from the start of its batch's POST.
        var sentAt = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var from = 1; from <= Events; from += 10)
        {
            var started = Stopwatch.GetTimestamp();
            await Batches.PostOkAsync(Edge, Webhooks.Webhooks.Cycles("edge-l", "s1", from, 10, machine: "bench-l"));
            foreach (var id in Webhooks.Webhooks.CycleIds(from, 10))
            {
                sentAt[id] = started;
            }
        }
        await mqtt.WaitUntilAsync(c => MqttFirst(c, "cycle-").Count == Events, Patience, "latency events on MQTT");
        await WaitAsync(() => natsSeen.Keys.Count(k => k.StartsWith("cycle-", StringComparison.Ordinal)) == Events, "latency events on NATS");
        var mqttFirst = MqttFirst(mqtt, "cycle-");
        Report("MQTT", mqttFirst.Select(kv => Ms(sentAt[kv.Key], kv.Value)).Order().ToList());
        Report("NATS", natsSeen.Where(kv => kv.Key.StartsWith("cycle-", StringComparison.Ordinal)).Select(kv => Ms(sentAt[kv.Key], kv.Value)).Order().ToList());

        // Throughput: one batch of 1,000 part events, timed from the POST until the last arrives at each consumer.
        var parts = new IngestBatch("edge-t", "s1", 1, Events, Enumerable.Range(1, Events).Select(i => (WireRecord)new DerivedEventRecord
        {
            Seq = i, MachineId = "bench-t", Event = new DerivedEvent("part-" + i, "part", Batches.T0.AddSeconds(i), Batches.T0.AddSeconds(i),
                JsonSerializer.SerializeToElement(new Dictionary<string, long> { ["counter"] = i })),
        }).ToList());
        var clock = Stopwatch.StartNew();
        await Batches.PostOkAsync(Edge, parts);
        var mqttDone = mqtt.WaitUntilAsync(c => MqttFirst(c, "part-").Count == Events, Patience, "throughput events on MQTT")
            .ContinueWith(_ => clock.Elapsed, TaskScheduler.Default);
        var natsDone = WaitAsync(() => natsSeen.Keys.Count(k => k.StartsWith("part-", StringComparison.Ordinal)) == Events, "throughput events on NATS")
            .ContinueWith(_ => clock.Elapsed, TaskScheduler.Default);
        var mqttSink = Events / (await mqttDone).TotalSeconds;
        var natsSink = Events / (await natsDone).TotalSeconds;

        // The sinks' own pace: first to last arrival, without the ingest of the batch and the fan-out before the first.
        var mqttArrivals = MqttFirst(mqtt, "part-").Values.ToList();
        var natsArrivals = natsSeen.Where(kv => kv.Key.StartsWith("part-", StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
        output.WriteLine($"first to last arrival: MQTT {(Events - 1) / Stopwatch.GetElapsedTime(mqttArrivals.Min(), mqttArrivals.Max()).TotalSeconds:N0}/s, " +
            $"NATS {(Events - 1) / Stopwatch.GetElapsedTime(natsArrivals.Min(), natsArrivals.Max()).TotalSeconds:N0}/s");
        var payloads = mqtt.Received.Where(m => m.Topic.EndsWith("/events/part", StringComparison.Ordinal))
            .Select(m => System.Text.Encoding.UTF8.GetBytes(m.Payload)).Take(Events).ToList();
        var mqttBare = await BareMqttAsync(payloads);
        var natsBare = await BareNatsAsync(payloads);
        output.WriteLine($"throughput over {Events} events (both sinks on, sharing the database): MQTT sink {mqttSink:N0}/s, bare MQTTnet " +
            $"QoS 1 loop {mqttBare:N0}/s, ratio {mqttSink / mqttBare:F2}; NATS sink {natsSink:N0}/s, bare JetStream loop {natsBare:N0}/s, " +
            $"ratio {natsSink / natsBare:F2}");
        await stop.CancelAsync();
        await listening.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>The same payloads to a topic the consumer also receives, so the broker does the same work for it.</summary>
    private async Task<double> BareMqttAsync(List<byte[]> payloads)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _mqtt.Port).WithClientId("bare")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, BatchSize).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < payloads.Count)
            {
                var r = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("acme/plant1/turning/bare/events/part")
                    .WithPayload(payloads[i]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                Assert.True(r.IsSuccess);
            }
        }));
        return payloads.Count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The same payloads into the same stream (its consumer sees them too), each with its own message id.</summary>
    private async Task<double> BareNatsAsync(List<byte[]> payloads)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = $"nats://127.0.0.1:{_nats.Port}" });
        await connection.ConnectAsync();
        var js = new NatsJSContext(connection);
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, BatchSize).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < payloads.Count)
            {
                var ack = await js.PublishAsync("mtc.bare.events.part", payloads[i], opts: new NatsJSPubOpts { MsgId = "bare-" + i });
                ack.EnsureSuccess();
            }
        }));
        return payloads.Count / clock.Elapsed.TotalSeconds;
    }

    private static Dictionary<string, long> MqttFirst(UnsConsumer c, string prefix) =>
        c.Events().Where(e => e.Id.StartsWith(prefix, StringComparison.Ordinal)).GroupBy(e => e.Id)
            .ToDictionary(g => g.Key, g => g.Min(e => e.Message.At), StringComparer.Ordinal);

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private void Report(string bus, List<double> sorted) =>
        output.WriteLine($"{bus} latency ingest -> consumer over {sorted.Count} events: p50 {Percentile(sorted, 0.50):F1} ms, " +
            $"p99 {Percentile(sorted, 0.99):F1} ms, max {sorted[^1]:F1} ms");

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var until = DateTime.UtcNow + Patience;
        while (!done())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("waited for " + what);
            }
            await Task.Delay(10);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>Runs only with <c>MTC_BENCH_BUS=1</c>.</summary>
public sealed class BusBenchFactAttribute : FactAttribute
{
    public BusBenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MTC_BENCH_BUS") != "1")
        {
            Skip = "opt-in measurement: set MTC_BENCH_BUS=1 to run it";
        }
    }
}
