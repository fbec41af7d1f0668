using Mtc.Cloud.Storage;
using Mtc.Cloud.Webhooks;

namespace Mtc.Cloud.Notifications;

/// <summary>
/// What a failed attempt leads to: a retry after an exponential delay with full jitter (random below
/// base × 2^attempts, capped), or <c>err</c> when that retry would fall after the delivery's retry window.
/// </summary>
internal static class DeliveryBackoff
{
    public static AttemptResult After(DueDelivery d, WebhookSender.Outcome outcome, DateTimeOffset now, WebhookOptions o, Random random)
    {
        if (outcome.Delivered)
        {
            return new AttemptResult(DeliveryStatus.Sent, outcome.StatusCode, null, now, null);
        }
        var ceiling = Math.Min(o.RetryMaxSeconds, o.RetryBaseSeconds * Math.Pow(2, Math.Min(d.Attempts, 40)));
        var next = now.AddSeconds(random.NextDouble() * ceiling);
        return next > d.Created.AddSeconds(o.RetryWindowSeconds)
            ? new AttemptResult(DeliveryStatus.Err, outcome.StatusCode, outcome.Error, now, null)
            : new AttemptResult(DeliveryStatus.Pending, outcome.StatusCode, outcome.Error, now, next);
    }
}
