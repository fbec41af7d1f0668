using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Webhooks;

/// <summary>
/// The worker in real processes over one database: killed with SIGKILL in the middle of deliveries, it loses nothing (its
/// leased deliveries come back when the lease ends); two workers side by side deliver each event exactly once while the
/// receiver answers. The in-process host here only ingests: its own worker is off.
/// </summary>
public abstract class WorkerProcessTests(IBackend backend) : ApiTestBase(backend)
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly string[] Fast =
    [
        "--Cloud:Webhooks:AllowPrivateNetworks=true", "--Cloud:Webhooks:RetryBaseSeconds=0.1", "--Cloud:Webhooks:RetryMaxSeconds=0.5",
        "--Cloud:Webhooks:TimeoutSeconds=2", "--Cloud:Worker:LeaseSeconds=3", "--Cloud:Worker:PollIntervalSeconds=0.1",
        "--Cloud:Worker:BatchSize=4",
    ];

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cloud:Worker:Enabled"] = "false",
        ["Cloud:Webhooks:AllowPrivateNetworks"] = "true",
    };

    [Fact]
    public async Task A_cloud_killed_mid_delivery_loses_nothing_after_restart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(300);
        await Webhooks.SubscribeAsync(Admin, receiver.Url("/slow"), "*");
        await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-1", "s1", 1, 40));
        await Task.Delay(500);
        Assert.Empty(receiver.Received); // only the child processes deliver

        var first = await CloudProcess.StartAsync(Db, Fast);
        try
        {
            await receiver.WaitUntilAsync(r => r.Received.Count >= 8, Patience, "deliveries under way");
        }
        finally
        {
            await first.DisposeAsync(); // SIGKILL, with deliveries in flight
        }
        var beforeRestart = receiver.DeliveredIds.Count;
        Assert.InRange(beforeRestart, 1, 39);

        await using var second = await CloudProcess.StartAsync(Db, Fast);
        receiver.Delay = TimeSpan.Zero;
        await receiver.WaitUntilAsync(r => r.DeliveredIds.Count == 40, Patience, "every event after the restart");
        Assert.Equal(Webhooks.CycleIds(1, 40).ToHashSet(), receiver.DeliveredIds);
    }
}

public sealed class WorkerProcessTests_Sqlite() : WorkerProcessTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class WorkerProcessTests_Postgres(PostgresServer server) : WorkerProcessTests(new PostgresBackend(server))
{
    [Fact]
    public async Task Two_workers_on_one_database_deliver_each_event_exactly_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(5);
        await Webhooks.SubscribeAsync(Admin, receiver.Url("/all"), "*");
        await using var cloud = await CloudProcess.StartAsync(Db, [.. FastSettings]);
        await using var worker = await CloudProcess.StartWorkerAsync(Db, [.. FastSettings]);
        for (var from = 1; from <= 300; from += 50)
        {
            await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-2", "s1", from, 50));
        }
        await receiver.WaitUntilAsync(r => r.DeliveredIds.Count == 300, Patience, "300 events");
        await Task.Delay(1000);

        Assert.Equal(Webhooks.CycleIds(1, 300).ToHashSet(), receiver.DeliveredIds);
        var repeated = receiver.Received.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, "delivered more than once: " + string.Join(", ", repeated));
        Assert.False(cloud.HasExited, cloud.Output);
        Assert.False(worker.HasExited, worker.Output);
        using var live = new HttpClient { BaseAddress = worker.Address };
        Assert.Contains("ok", await live.GetStringAsync("/health/live"), StringComparison.Ordinal);
    }

    private static IEnumerable<string> FastSettings =>
    [
        "--Cloud:Webhooks:AllowPrivateNetworks=true", "--Cloud:Worker:PollIntervalSeconds=0.05", "--Cloud:Worker:BatchSize=8",
        "--Cloud:Worker:LeaseSeconds=30",
    ];
}
