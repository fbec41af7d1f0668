using Mtc.Cloud.Bus;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Cloud.Tests.Webhooks;

namespace Mtc.Cloud.Tests.Bus;

/// <summary>The broker sinks' side of the outbox on the store itself, on both backends: rows per sink, leases, fencing, retention.</summary>
public abstract class BusOutboxTests(IBackend backend) : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private ICloudStore _store = null!;
    private INotificationStore Outbox => (INotificationStore)_store;

    public async Task InitializeAsync()
    {
        _store = (await backend.NewDatabaseAsync()).Open();
        await _store.MigrateAsync(None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        (backend as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task Each_sink_leases_its_own_rows_in_order_and_a_lost_lease_records_nothing()
    {
        using var batch = Mtc.Cloud.Ingest.IngestPayload.From(Webhooks.Webhooks.Cycles("e1", "s1", 1, 10));
        await _store.IngestAsync("acme", batch, Now, None);
        Assert.Equal(10, await Outbox.FanOutAsync(100, Now, ["mqtt", "nats"], None));
        Assert.Equal(0, await Outbox.FanOutAsync(100, Now, ["mqtt", "nats"], None)); // fanned out once

        var mqtt = await Outbox.ClaimBusDeliveriesAsync("mqtt", 4, Now, Now.AddSeconds(30), None);
        Assert.Equal(Webhooks.Webhooks.CycleIds(1, 4), mqtt.Select(d => d.NotificationId));
        Assert.All(mqtt, d => Assert.Equal("acme", d.Tenant));
        var more = await Outbox.ClaimBusDeliveriesAsync("mqtt", 100, Now, Now.AddSeconds(30), None);
        Assert.Equal(Webhooks.Webhooks.CycleIds(5, 6), more.Select(d => d.NotificationId)); // leased rows are not taken twice
        Assert.Equal(10, (await Outbox.ClaimBusDeliveriesAsync("nats", 100, Now, Now.AddSeconds(30), None)).Count); // nats has its own

        var stats = await Outbox.GetBusQueueStatsAsync(None);
        Assert.Equal(10, stats["mqtt"].Pending);

        // The first lease ran out and another worker took the rows: the first worker's late result is not recorded.
        var later = Now.AddSeconds(31);
        var retaken = await Outbox.ClaimBusDeliveriesAsync("mqtt", 4, later, later.AddSeconds(30), None);
        Assert.Equal(mqtt.Select(d => d.Id), retaken.Select(d => d.Id));
        Assert.Empty(await Outbox.RecordBusAttemptsAsync(mqtt.Select(d => (d, new BusAttempt(true, null, later, later))).ToList(), None));
        Assert.Equal(4, (await Outbox.RecordBusAttemptsAsync(
            retaken.Select(d => (d, new BusAttempt(true, null, later, later))).ToList(), None)).Count);
        // A failed one is pending again, after its backoff.
        var failed = more.Take(1).Select(d => (d, new BusAttempt(false, "broker gone", later, later.AddSeconds(5)))).ToList();
        Assert.Single(await Outbox.RecordBusAttemptsAsync(failed, None));
        var due = await Outbox.ClaimBusDeliveriesAsync("mqtt", 100, later.AddSeconds(6), later.AddSeconds(60), None);
        Assert.Equal(Webhooks.Webhooks.CycleIds(5, 6), due.Select(d => d.NotificationId));
        Assert.Equal(1, due[0].Attempts);
        Assert.Equal(6, (await Outbox.GetBusQueueStatsAsync(None))["mqtt"].Pending);

        // Retention keeps every notification a sink still waits for (all of them: nats sent none).
        await Outbox.PurgeDeliveredAsync(later.AddDays(1), None);
        Assert.Equal(10, (await Outbox.ClaimBusDeliveriesAsync("nats", 100, later.AddDays(1), later.AddDays(2), None)).Count);
    }
}

public sealed class BusOutboxTests_Sqlite() : BusOutboxTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class BusOutboxTests_Postgres(PostgresServer server) : BusOutboxTests(new PostgresBackend(server));
