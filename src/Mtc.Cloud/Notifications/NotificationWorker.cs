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
    INotificationStore store, WebhookSender sender, NotificationMetrics metrics, IOptions<WorkerOptions> worker,
    IOptions<WebhookOptions> webhooks, TimeProvider time, ILogger<NotificationWorker> log) : BackgroundService
{
    private static readonly TimeSpan StatsEvery = TimeSpan.FromSeconds(2);
    private DateTimeOffset _statsAt = DateTimeOffset.MinValue;

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

    /// <summary>One round; true when it found work (so the next round should not wait).</summary>
    internal async Task<bool> RoundAsync(WorkerOptions o, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var fanned = await store.FanOutAsync(o.BatchSize, now, ct).ConfigureAwait(false);
        var due = await store.ClaimDeliveriesAsync(o.BatchSize, now, now.AddSeconds(o.LeaseSeconds), ct).ConfigureAwait(false);
        if (due.Count > 0)
        {
            await Task.WhenAll(due.Select(d => DeliverAsync(d, ct))).ConfigureAwait(false);
        }
        return fanned > 0 || due.Count > 0;
    }

    private async Task DeliverAsync(DueDelivery d, CancellationToken ct)
    {
        var outcome = await sender.SendAsync(d, ct).ConfigureAwait(false);
        var result = DeliveryBackoff.After(d, outcome, time.GetUtcNow(), webhooks.Value, Random.Shared);
        // The result is recorded even while stopping: a delivered webhook must not be sent again for want of a write.
        var recorded = await store.RecordAttemptAsync(d, result, CancellationToken.None).ConfigureAwait(false);
        var status = result.Status switch
        {
            DeliveryStatus.Sent => "sent",
            DeliveryStatus.Err => "err",
            _ => "retry",
        };
        metrics.Delivered(status);
        if (!recorded)
        {
            Hosting.Log.DeliveryLeaseLost(log, d.Id, d.NotificationId);
        }
        else if (result.Status == DeliveryStatus.Err)
        {
            Hosting.Log.DeliveryFailed(log, d.Id, d.NotificationId, d.Attempts + 1, outcome.Error ?? "");
        }
    }

    private async Task ObserveAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - _statsAt < StatsEvery)
        {
            return;
        }
        _statsAt = now;
        var stats = await store.GetQueueStatsAsync(ct).ConfigureAwait(false);
        metrics.Observe(stats.Pending, stats.OldestQueued is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);
    }
}
