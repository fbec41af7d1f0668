using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Cloud.Tests.Webhooks;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Bus;

/// <summary>
/// The cloud (in process, its worker on) publishing to a real mosquitto and a real nats-server: the namespace's topic layout,
/// the retained state, ids that would break a topic, and brokers that are down when events arrive.
/// </summary>
public abstract class BusPublishingTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private BrokerProcess _mqtt = null!;
    private BrokerProcess _nats = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => BusEvents.Settings(_mqtt.Port, _nats.Port, "cloud-a");

    public override async Task InitializeAsync()
    {
        _mqtt = await BrokerProcess.MosquittoAsync();
        _nats = await BrokerProcess.NatsAsync();
        await base.InitializeAsync();
        _ = Factory.Server; // starts the host, and with it the bus workers
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _mqtt.DisposeAsync();
        await _nats.DisposeAsync();
    }

    [Fact]
    public async Task Events_land_on_their_topics_and_subjects_with_the_latest_state_retained()
    {
        await using var live = await UnsConsumer.StartAsync(_mqtt.Port, "acme/plant1/#");
        await Batches.PostOkAsync(Edge, BusEvents.Batch("edge-t", "s1", 1,
            BusEvents.Status(1, "lathe-1", "IDLE"), Batches.Cycle(2, "lathe-1", Batches.T0.AddMinutes(2), 30),
            BusEvents.Status(3, "lathe-1", "ACTIVE"), BusEvents.Status(4, "cell/7+#", "ALARM"), BusEvents.Status(5, "$SYS", "IDLE")));

        string[] ids = ["cycle-2", "status-1", "status-3", "status-4", "status-5"];
        await live.WaitUntilAsync(c => ids.All(id => c.Events().Any(e => e.Id == id)), Patience, "five events");
        await live.WaitUntilAsync(c => c.Received.Any(m => m.Topic.EndsWith("/lathe-1/state", StringComparison.Ordinal)
            && m.Json.GetProperty("eventId").GetString() == "status-3") && c.Received.Count(m => m.Topic.EndsWith("/state", StringComparison.Ordinal)) >= 3,
            Patience, "each machine's state after its events");
        Assert.Equal(ids.Length, live.Events().Count(e => ids.Contains(e.Id))); // once each
        var topics = live.Events().ToDictionary(e => e.Id, e => e.Message.Topic);
        Assert.Equal("acme/plant1/turning/lathe-1/events/status", topics["status-1"]);
        Assert.Equal("acme/plant1/turning/lathe-1/events/cycle", topics["cycle-2"]);
        // A machine id cannot add topic levels, subscribe wildcards or reach the broker's $SYS tree.
        Assert.Equal("acme/plant1/turning/cell_7__/events/status", topics["status-4"]);
        Assert.Equal("acme/plant1/turning/_SYS/events/status", topics["status-5"]);
        var first = live.Events().First(e => e.Id == "status-3").Message.Json;
        Assert.Equal("status", first.GetProperty("type").GetString());
        Assert.Equal("acme", first.GetProperty("tenant").GetString());
        Assert.Equal("lathe-1", first.GetProperty("machineId").GetString());
        Assert.Equal("ACTIVE", first.GetProperty("data").GetProperty("data").GetProperty("status").GetString());

        // A system that subscribes later gets the retained state, the latest, and the cloud's presence.
        await using var late = await UnsConsumer.StartAsync(_mqtt.Port, "acme/plant1/#");
        await late.WaitUntilAsync(c => c.Received.Count(m => m.Retained) >= 4, Patience, "retained state and presence");
        var retained = late.Received.Where(m => m.Retained).GroupBy(m => m.Topic).ToDictionary(g => g.Key, g => g.Last());
        var state = retained["acme/plant1/turning/lathe-1/state"].Json;
        Assert.Equal("ACTIVE", state.GetProperty("status").GetString());
        Assert.Equal("status-3", state.GetProperty("eventId").GetString());
        Assert.Equal("ALARM", retained["acme/plant1/turning/cell_7__/state"].Json.GetProperty("status").GetString());
        Assert.Equal("online", retained["acme/plant1/_mtc/cloud/cloud-a"].Payload);
        Assert.DoesNotContain(late.Received, m => m.Retained && m.Topic.Contains("/events/", StringComparison.Ordinal)); // events are not retained

        // The stream holds each event once (alerts the rules opened for these machines go out too; they are not counted here).
        await JetStreamContents.WaitForAsync(_nats.Port, 5, Patience);
        var stream = (await JetStreamContents.ReadAllAsync(_nats.Port)).Where(m => m.Json.GetProperty("type").GetString() is "status" or "cycle").ToList();
        Assert.Equal(ids, stream.Select(m => m.MsgId ?? "").Order(StringComparer.Ordinal));
        var subjects = stream.ToDictionary(m => m.MsgId!, m => m.Subject);
        Assert.Equal("mtc.lathe-1.events.cycle", subjects["cycle-2"]);
        Assert.Equal("mtc.cell/7+#.events.status", subjects["status-4"]); // '/', '+', '#' mean nothing to NATS
        Assert.Equal("mtc.$SYS.events.status", subjects["status-5"]);
        Assert.All(stream, m => Assert.Equal(m.MsgId, m.Json.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Brokers_down_when_events_arrive_delay_them_and_lose_none()
    {
        await using var live = await UnsConsumer.StartAsync(_mqtt.Port, "acme/plant1/turning/mill-9/events/#", clientId: "mes-outage");
        await _mqtt.StopAsync();
        await _nats.StopAsync();
        await Batches.PostOkAsync(Edge, Webhooks.Webhooks.Cycles("edge-d", "s1", 1, 30, machine: "mill-9"));
        // The sinks try, fail and back off; the deliveries wait in the outbox, and the metrics say so.
        await WaitForMetricsAsync(m => m.Value("mtc_cloud_bus_queue_depth", ("bus", "mqtt")) == 30
            && m.Value("mtc_cloud_bus_queue_depth", ("bus", "nats")) == 30 && m.Value("mtc_cloud_bus_connected", ("bus", "nats")) == 0
            && m.Value("mtc_cloud_bus_oldest_age_seconds", ("bus", "mqtt")) > 0, "30 messages waiting per bus");

        await _nats.StartAsync();
        await _mqtt.StartAsync();
        // The queued events go out as soon as the sink reconnects, which may be before this consumer is subscribed again (MQTT
        // keeps nothing for a subscriber that is not there): the broker's acknowledgement of all 40 is checked through the
        // metrics below, and what the consumer must see is everything published after it is back.
        await live.WaitUntilAsync(c => c.IsConnected, Patience, "the consumer back");
        await Task.Delay(300);
        await Batches.PostOkAsync(Edge, Webhooks.Webhooks.Cycles("edge-d", "s1", 31, 10, machine: "mill-9"));

        await live.WaitUntilAsync(c => Webhooks.Webhooks.CycleIds(31, 10).All(id => c.Events().Any(e => e.Id == id)), Patience, "the events after the outage");
        await JetStreamContents.WaitForAsync(_nats.Port, 40, Patience);
        var held = (await JetStreamContents.ReadAllAsync(_nats.Port)).Where(m => m.Subject == "mtc.mill-9.events.cycle")
            .Select(m => m.MsgId!).ToList();
        Assert.Equal(40, held.Count);
        Assert.Equal(Webhooks.Webhooks.CycleIds(1, 40).ToHashSet(), held.ToHashSet());
        await WaitForMetricsAsync(m => m.Value("mtc_cloud_bus_queue_depth", ("bus", "mqtt")) == 0
            && m.Value("mtc_cloud_bus_published_total", ("bus", "nats"), ("status", "sent")) >= 40
            && m.Value("mtc_cloud_bus_published_total", ("bus", "mqtt"), ("status", "sent")) >= 40
            && m.Value("mtc_cloud_bus_connected", ("bus", "mqtt")) == 1, "the queues drained");
    }

    private async Task WaitForMetricsAsync(Func<Observability.Scrape, bool> done, string what)
    {
        using var client = Factory.CreateClient();
        var until = DateTime.UtcNow + Patience;
        Observability.Scrape scrape;
        do
        {
            scrape = new Observability.Scrape(await client.GetStringAsync("/metrics"));
            if (done(scrape))
            {
                return;
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < until);
        Assert.Fail($"metrics never showed {what}:\n" + string.Join('\n', scrape.Text.Split('\n').Where(l => l.Contains("mtc_cloud_bus", StringComparison.Ordinal))));
    }
}

public sealed class BusPublishingTests_Sqlite() : BusPublishingTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class BusPublishingTests_Postgres(PostgresServer server) : BusPublishingTests(new PostgresBackend(server));
