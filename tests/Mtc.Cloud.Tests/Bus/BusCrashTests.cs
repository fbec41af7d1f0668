using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Cloud.Tests.Webhooks;

namespace Mtc.Cloud.Tests.Bus;

/// <summary>
/// The real cloud process publishing to real brokers, killed with SIGKILL mid-stream and started again, with both brokers
/// restarted in between: a plant consumer counts every event. JetStream holds each event id once (Nats-Msg-Id); the
/// namespace delivers each at least once, and once by its id. The in-process host here only ingests: its worker is off.
/// </summary>
public abstract class BusCrashTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private BrokerProcess _mqtt = null!;
    private BrokerProcess _nats = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Cloud:Worker:Enabled"] = "false" };

    public override async Task InitializeAsync()
    {
        _mqtt = await BrokerProcess.MosquittoAsync();
        _nats = await BrokerProcess.NatsAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _mqtt.DisposeAsync();
        await _nats.DisposeAsync();
    }

    private string[] CloudArguments()
    {
        var settings = BusEvents.Settings(_mqtt.Port, _nats.Port, "crash-cloud");
        settings["Cloud:Bus:BatchSize"] = "4";
        settings["Cloud:Worker:LeaseSeconds"] = "3";
        settings["Cloud:Webhooks:TimeoutSeconds"] = "2";
        settings["Alerts:Enabled"] = "false";
        return BusEvents.Arguments(settings);
    }

    [Fact]
    public async Task Every_event_is_counted_once_across_a_cloud_kill_and_broker_restarts()
    {
        await using var consumer = await UnsConsumer.StartAsync(_mqtt.Port, "acme/plant1/#", clientId: "plant-mes");
        var first = await CloudProcess.StartAsync(Db, CloudArguments());
        try
        {
            for (var from = 1; from <= 150; from += 50)
            {
                await Batches.PostOkAsync(Edge, Webhooks.Webhooks.Cycles("edge-k", "s1", from, 50));
            }
            await consumer.WaitUntilAsync(c => CycleIds(c).Count >= 20, Patience, "publishing under way");
        }
        finally
        {
            await first.DisposeAsync(); // SIGKILL, with deliveries leased and in flight
        }
        // The broker publishes the dead connection's last will.
        await consumer.WaitUntilAsync(c => Presence(c) == "offline", Patience, "the last will");

        await Batches.PostOkAsync(Edge, Webhooks.Webhooks.Cycles("edge-k", "s1", 151, 50)); // while no cloud publishes
        await _mqtt.RestartAsync();
        await _nats.RestartAsync();
        await using var second = await CloudProcess.StartAsync(Db, CloudArguments());
        await consumer.WaitUntilAsync(c => Presence(c) == "online", Patience, "online again");
        await Batches.PostOkAsync(Edge, Webhooks.Webhooks.Cycles("edge-k", "s1", 201, 50));

        var expected = Webhooks.Webhooks.CycleIds(1, 250).ToHashSet();
        await consumer.WaitUntilAsync(c => CycleIds(c).Count == 250, Patience, "250 distinct events on MQTT");
        Assert.Equal(expected, CycleIds(consumer));
        await JetStreamContents.WaitForAsync(_nats.Port, 250, Patience);
        await Task.Delay(500); // a late duplicate would show now
        var stream = await JetStreamContents.ReadAllAsync(_nats.Port);
        var ids = stream.Select(m => m.MsgId!).ToList();
        var repeated = ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, "the stream holds more than once: " + string.Join(", ", repeated));
        Assert.Equal(expected, ids.ToHashSet());

        await using var late = await UnsConsumer.StartAsync(_mqtt.Port, "acme/plant1/turning/m1/state");
        await late.WaitUntilAsync(c => c.Received.Any(m => m.Retained), Patience, "the retained state after the restarts");
        Assert.Equal("m1", late.Received.First(m => m.Retained).Json.GetProperty("machineId").GetString());
        Assert.False(second.HasExited, second.Output);
    }

    private static HashSet<string> CycleIds(UnsConsumer c) =>
        c.Events().Select(e => e.Id).Where(id => id.StartsWith("cycle-", StringComparison.Ordinal)).ToHashSet();

    private static string? Presence(UnsConsumer c) =>
        c.Received.LastOrDefault(m => m.Topic == "acme/plant1/_mtc/cloud/crash-cloud")?.Payload;
}

public sealed class BusCrashTests_Sqlite() : BusCrashTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class BusCrashTests_Postgres(PostgresServer server) : BusCrashTests(new PostgresBackend(server));
