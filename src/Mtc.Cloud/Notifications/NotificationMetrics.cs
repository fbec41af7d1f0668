using System.Diagnostics.Metrics;

namespace Mtc.Cloud.Notifications;

/// <summary>
/// The meter <c>Mtc.Cloud.Notifications</c>: queue depth and age (gauges over the worker's latest reading, so a scrape never
/// waits for the database) and delivery attempts by outcome.
/// </summary>
internal sealed class NotificationMetrics
{
    public const string MeterName = "Mtc.Cloud.Notifications";

    /// <summary>Delivery attempts by outcome, observed rather than added: each outcome is exported from the start, at 0.</summary>
    private readonly long[] _deliveries = new long[Outcomes.Length];
    private static readonly string[] Outcomes = ["sent", "retry", "err"];
    private long _pending;
    private double _oldestAge;

    public NotificationMetrics(IMeterFactory meters)
    {
        var meter = Meter = meters.Create(MeterName);
        meter.CreateObservableGauge("mtc.cloud.worker.queue_depth", () => Interlocked.Read(ref _pending), "{delivery}",
            "Deliveries waiting to be sent, and notifications not fanned out yet.");
        meter.CreateObservableGauge("mtc.cloud.worker.oldest_age", () => Volatile.Read(ref _oldestAge), "s",
            "Age of the oldest waiting delivery or notification; 0 when nothing waits.");
        meter.CreateObservableCounter("mtc.cloud.deliveries", () => Outcomes.Select((o, i) =>
                new Measurement<long>(Interlocked.Read(ref _deliveries[i]), new KeyValuePair<string, object?>("status", o))), "{attempt}",
            "Webhook delivery attempts by outcome: sent, retry (failed, tried again later), err (failed for good).");
    }

    /// <summary>This host's meter (each host's IMeterFactory makes its own).</summary>
    public Meter Meter { get; }

    public void Observe(long pending, double oldestAgeSeconds)
    {
        Interlocked.Exchange(ref _pending, pending);
        Volatile.Write(ref _oldestAge, oldestAgeSeconds);
    }

    public void Delivered(string status)
    {
        var i = Array.IndexOf(Outcomes, status);
        if (i < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "a delivery outcome is sent, retry or err");
        }
        Interlocked.Increment(ref _deliveries[i]);
    }
}
