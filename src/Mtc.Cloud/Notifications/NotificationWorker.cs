using Microsoft.Extensions.Options;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Webhooks;

namespace Mtc.Cloud.Notifications;

/// <summary>
/// The delivery loop: fan new notifications out to matching subscriptions, lease due deliveries, send them concurrently,
/// record each result. A round that found work is followed at once by the next; an idle worker waits for its process's
/// signal or the poll interval. A failed round is logged and retried; cancellation ends the loop.
/// </summary>
internal sealed class NotificationWorker(
    INotificationStore store, WebhookSender sender, NotificationMetrics metrics, Bus.BusSinks bus, IOptions<WorkerOptions> worker,
    IOptions<WebhookOptions> webhooks, TimeProvider time, ILogger<NotificationWorker> log) : BackgroundService
{
    private static readonly TimeSpan StatsEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private DateTimeOffset _statsAt = DateTimeOffset.MinValue;
    private DateTimeOffset _purgedAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = worker.Value;
        var poll = TimeSpan.FromSeconds(o.PollIntervalSeconds);
        Hosting.Log.WorkerStarted(log, o.BatchSize, o.PollIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await RoundAsync(o, stoppingToken).ConfigureAwait(false);
                await ObserveAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Hosting.Log.WorkerRoundFailed(log, e);
            }
            if (!busy)
            {
                try
                {
                    await store.Signal.WaitAsync(poll, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// One round; true when it found work (so the next round should not wait). Fan-out takes more notifications per round
    /// than deliveries are sent, as it is one cheap statement per notification batch.
    /// </summary>
    internal async Task<bool> RoundAsync(WorkerOptions o, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var fanned = await store.FanOutAsync(o.BatchSize * 8, now, bus.Names, ct).ConfigureAwait(false);
        if (fanned > 0 && bus.Names.Count > 0)
        {
            bus.NotifyAll();
        }
        var due = await store.ClaimDeliveriesAsync(o.BatchSize, now, now.AddSeconds(o.LeaseSeconds), ct).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return fanned > 0;
        }
        var attempts = await Task.WhenAll(due.Select(async d =>
        {
            var outcome = await sender.SendAsync(d, ct).ConfigureAwait(false);
            return (Delivery: d, Outcome: outcome, Result: DeliveryBackoff.After(d, outcome, time.GetUtcNow(), webhooks.Value, Random.Shared));
        })).ConfigureAwait(false);
        // Results are recorded even while stopping: a delivered webhook must not be sent again for want of a write.
        var recorded = await store.RecordAttemptsAsync(attempts.Select(a => (a.Delivery, a.Result)).ToList(), CancellationToken.None)
            .ConfigureAwait(false);
        foreach (var (d, outcome, result) in attempts)
        {
            metrics.Delivered(result.Status switch
            {
                DeliveryStatus.Sent => "sent",
                DeliveryStatus.Err => "err",
                _ => "retry",
            });
            if (!recorded.Contains(d.Id))
            {
                Hosting.Log.DeliveryLeaseLost(log, d.Id, d.NotificationId);
            }
            else if (result.Status == DeliveryStatus.Err)
            {
                Hosting.Log.DeliveryFailed(log, d.Id, d.NotificationId, d.Attempts + 1, outcome.Error ?? "");
            }
        }
        return true;
    }

    private async Task ObserveAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - _statsAt < StatsEvery)
        {
            return;
        }
        _statsAt = now;
        if (worker.Value.KeepDays > 0 && now - _purgedAt >= PurgeEvery)
        {
            _purgedAt = now;
            Hosting.Log.DeliveriesPurged(log, await store.PurgeDeliveredAsync(now.AddDays(-worker.Value.KeepDays), ct).ConfigureAwait(false));
        }
        var stats = await store.GetQueueStatsAsync(ct).ConfigureAwait(false);
        metrics.Observe(stats.Pending, stats.OldestQueued is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);
    }
}
