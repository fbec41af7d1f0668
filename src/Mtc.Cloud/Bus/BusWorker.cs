using Microsoft.Extensions.Options;
using Mtc.Cloud.Notifications;
using Mtc.Cloud.Storage;
using Log = Mtc.Cloud.Hosting.Log;

namespace Mtc.Cloud.Bus;

/// <summary>
/// One broker sink's loop: connect (with backoff while the broker is away: its deliveries wait in the outbox), lease due
/// deliveries in notification order, publish them concurrently, then (MQTT) each touched machine's retained state, and record
/// each as sent once acknowledged or pending again with a backoff. A round that found work is followed at once by the next;
/// an idle one waits for the fan-out's signal or the poll interval. A failure drops the connection and reconnects.
/// </summary>
internal sealed class BusWorker(
    IBusPublisher publisher, INotificationStore outbox, ICloudStore store, BusSinks sinks, BusMetrics metrics,
    IOptions<BusOptions> bus, IOptions<WorkerOptions> worker, TimeProvider time, ILogger<BusWorker> log) : BackgroundService
{
    private static readonly TimeSpan StatsEvery = TimeSpan.FromSeconds(2);
    private DateTimeOffset _statsAt = DateTimeOffset.MinValue;
    private int _failures;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sink = publisher.Sink;
        var poll = TimeSpan.FromSeconds(worker.Value.PollIntervalSeconds);
        Log.BusStarted(log, sink, publisher.Target);
        try
        {
            await LoopAsync(sink, poll, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // A clean stop says offline itself (MQTT); a crash leaves it to the last will.
            await publisher.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task LoopAsync(string sink, TimeSpan poll, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                if (!publisher.IsConnected)
                {
                    await publisher.ConnectAsync(stoppingToken).ConfigureAwait(false);
                    metrics.Connected(sink, true);
                    Log.BusConnected(log, sink, publisher.Target, _failures);
                    _failures = 0;
                }
                busy = await RoundAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _failures++;
                metrics.Connected(sink, false);
                Log.BusUnavailable(log, sink, _failures, e.GetType().Name, e.Message);
                await publisher.ResetAsync().ConfigureAwait(false);
                await ObserveQuietlyAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await Task.Delay(Backoff(_failures - 1), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            await ObserveQuietlyAsync(stoppingToken).ConfigureAwait(false);
            if (!busy)
            {
                try
                {
                    await sinks.Signal(sink).WaitAsync(poll, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>One round; true when it found work. Throws when the connection failed (after recording what it did).</summary>
    internal async Task<bool> RoundAsync(CancellationToken ct)
    {
        var sink = publisher.Sink;
        var now = time.GetUtcNow();
        var due = await outbox.ClaimBusDeliveriesAsync(sink, bus.Value.BatchSize, now, now.AddSeconds(worker.Value.LeaseSeconds), ct)
            .ConfigureAwait(false);
        if (due.Count == 0)
        {
            return false;
        }
        var errors = await Task.WhenAll(due.Select(async d =>
        {
            try
            {
                await publisher.PublishAsync(d, ct).ConfigureAwait(false);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return e;
            }
        })).ConfigureAwait(false);
        var failed = due.Select((d, i) => (d, Error: errors[i])).Where(x => x.Error is not null).ToDictionary(x => x.d.Id, x => x.Error!);
        if (publisher.PublishesState)
        {
            await PublishStatesAsync(due, failed, ct).ConfigureAwait(false);
        }
        var at = time.GetUtcNow();
        var attempts = due.Select(d => (d, failed.TryGetValue(d.Id, out var e)
            ? new BusAttempt(false, Truncate(e.Message), at, at + Backoff(d.Attempts))
            : new BusAttempt(true, null, at, at))).ToList();
        // Results are recorded even while stopping: an acknowledged message should not go out again for want of a write.
        var recorded = await outbox.RecordBusAttemptsAsync(attempts, CancellationToken.None).ConfigureAwait(false);
        metrics.Published(sink, sent: true, due.Count - failed.Count);
        metrics.Published(sink, sent: false, failed.Count);
        foreach (var d in due.Where(d => !recorded.Contains(d.Id)))
        {
            Log.BusLeaseLost(log, sink, d.Id, d.NotificationId);
        }
        if (failed.Count > 0)
        {
            var first = failed.Values.First();
            Log.BusPublishFailed(log, sink, failed.Count, due.Count, first.Message);
            if (!publisher.IsConnected || first is not BusRefusedException)
            {
                throw new BusUnavailableException($"{failed.Count} of {due.Count} messages failed: {first.Message}", first);
            }
        }
        return true;
    }

    /// <summary>Each machine's retained state after its sent events in this round; a failed state fails that machine's events.</summary>
    private async Task PublishStatesAsync(IReadOnlyList<BusDelivery> due, Dictionary<long, Exception> failed, CancellationToken ct)
    {
        var touched = due.Where(d => d.MachineId is not null && BusMessages.ChangesState(d.Type) && !failed.ContainsKey(d.Id))
            .GroupBy(d => (d.Tenant, Machine: d.MachineId!)).ToList();
        foreach (var machine in touched)
        {
            try
            {
                var state = await BusMessages.StateAsync(store, machine.Key.Tenant, machine.Key.Machine, machine.Last().NotificationId,
                    time.GetUtcNow(), ct).ConfigureAwait(false);
                await publisher.PublishStateAsync(machine.Key.Tenant, machine.Key.Machine, state, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                foreach (var d in machine)
                {
                    failed[d.Id] = e;
                }
            }
        }
    }

    private async Task ObserveQuietlyAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - _statsAt < StatsEvery)
        {
            return;
        }
        _statsAt = now;
        try
        {
            var stats = await outbox.GetBusQueueStatsAsync(ct).ConfigureAwait(false);
            var s = stats.GetValueOrDefault(publisher.Sink) ?? new QueueStats(0, null);
            metrics.Observe(publisher.Sink, s.Pending, s.OldestQueued is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.BusStatsFailed(log, publisher.Sink, e.Message);
        }
    }

    /// <summary>Full jitter below 0.25 s × 2^n, capped at Cloud:Bus:RetryMaxSeconds.</summary>
    private TimeSpan Backoff(int n) =>
        TimeSpan.FromSeconds(Random.Shared.NextDouble() * Math.Min(bus.Value.RetryMaxSeconds, 0.25 * Math.Pow(2, Math.Min(n, 30))));

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500];
}
