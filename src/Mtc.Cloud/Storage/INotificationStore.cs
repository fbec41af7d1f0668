using Mtc.Cloud.Notifications;

namespace Mtc.Cloud.Storage;

/// <summary>
/// The notification outbox, webhook subscriptions and their deliveries. Both backends implement it beside
/// <see cref="ICloudStore"/>; many workers may share one database (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c> and a lease;
/// SQLite: one writer at a time).
/// </summary>
internal interface INotificationStore
{
    /// <summary>Raised after this process committed new work.</summary>
    NotificationSignal Signal { get; }

    Task CreateWebhookAsync(WebhookRow webhook, CancellationToken ct);
    Task<IReadOnlyList<WebhookRow>> ListWebhooksAsync(string tenant, string? afterId, int limit, CancellationToken ct);
    Task<WebhookRow?> GetWebhookAsync(string tenant, string id, CancellationToken ct);

    /// <summary>Removes a subscription and its deliveries; false when the tenant has no such subscription.</summary>
    Task<bool> DeleteWebhookAsync(string tenant, string id, CancellationToken ct);

    Task<IReadOnlyList<DeliveryRow>> ListDeliveriesAsync(string tenant, string webhookId, long afterId, int limit, CancellationToken ct);

    /// <summary>Makes a delivery pending again now, with a fresh retry window; null when there is no such delivery.</summary>
    Task<DeliveryRow?> RedeliverAsync(string tenant, string webhookId, long deliveryId, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Takes up to <paramref name="limit"/> notifications not fanned out yet and makes a pending delivery per matching subscription,
    /// and one per broker sink in <paramref name="busSinks"/>.
    /// </summary>
    Task<int> FanOutAsync(int limit, DateTimeOffset now, IReadOnlyList<string> busSinks, CancellationToken ct);

    /// <summary>Leases up to <paramref name="limit"/> of a broker sink's due deliveries, in notification order.</summary>
    Task<IReadOnlyList<Bus.BusDelivery>> ClaimBusDeliveriesAsync(
        string sink, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct);

    /// <summary>Records broker attempts in one transaction, each if its lease is still this worker's; returns the ids recorded.</summary>
    Task<IReadOnlySet<long>> RecordBusAttemptsAsync(IReadOnlyList<(Bus.BusDelivery Delivery, Bus.BusAttempt Attempt)> attempts, CancellationToken ct);

    /// <summary>Pending broker deliveries per sink, and when the oldest one's notification was written.</summary>
    Task<IReadOnlyDictionary<string, QueueStats>> GetBusQueueStatsAsync(CancellationToken ct);

    /// <summary>Leases up to <paramref name="limit"/> due deliveries until <paramref name="leaseUntil"/> (a killed worker's come back after it).</summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDeliveriesAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct);

    /// <summary>Records attempts' results in one transaction, each if its lease is still this worker's; returns the ids recorded.</summary>
    Task<IReadOnlySet<long>> RecordAttemptsAsync(IReadOnlyList<(DueDelivery Delivery, AttemptResult Result)> attempts, CancellationToken ct);

    /// <summary>
    /// Forgets deliveries sent before <paramref name="before"/> and fanned-out notifications older than it that no delivery
    /// refers to; pending and err deliveries (and their notifications) stay. Returns the rows removed.
    /// </summary>
    Task<int> PurgeDeliveredAsync(DateTimeOffset before, CancellationToken ct);

    /// <summary>Work waiting: pending deliveries plus notifications not fanned out, and when the oldest of them was queued.</summary>
    Task<QueueStats> GetQueueStatsAsync(CancellationToken ct);
}

internal sealed record WebhookRow(
    string Id, string Tenant, string Url, IReadOnlyList<string> EventTypes, string? Description, string Secret, DateTimeOffset Created);

internal static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Err = "err";
}

internal sealed record DeliveryRow(
    long Id, string WebhookId, string NotificationId, string EventType, string Status, int Attempts, string? LastError,
    int? LastStatusCode, DateTimeOffset? NextAttempt, DateTimeOffset Created, DateTimeOffset? SentAt);

/// <summary>A leased delivery with what the worker needs to send it.</summary>
internal sealed record DueDelivery(
    long Id, string Tenant, string Url, string Secret, string NotificationId, string Type, string? MachineId,
    DateTimeOffset Occurred, string? PayloadJson, int Attempts, DateTimeOffset Created, DateTimeOffset LeaseUntil);

/// <summary>The outcome of one attempt: the new status, and when to try again for a retry.</summary>
internal sealed record AttemptResult(string Status, int? StatusCode, string? Error, DateTimeOffset Now, DateTimeOffset? NextAttempt);

internal sealed record QueueStats(long Pending, DateTimeOffset? OldestQueued);
