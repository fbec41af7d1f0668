namespace Mtc.Cloud.Hosting;

/// <summary>Every log message of the cloud host, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Storage {Target} ready ({Applied} migrations applied)")]
    public static partial void Migrated(ILogger logger, string target, int applied);

    [LoggerMessage(2, LogLevel.Information, "Retention removed {Removed} observation units")]
    public static partial void Retention(ILogger logger, int removed);

    [LoggerMessage(3, LogLevel.Warning, "Retention failed; retrying next round")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Batch {EdgeId}/{StreamId} {FromSeq}..{ToSeq}: {Accepted} accepted, {Skipped} skipped, hwm {Hwm}")]
    public static partial void Ingested(ILogger logger, string edgeId, string streamId, long fromSeq, long toSeq, int accepted, int skipped, long hwm);

    [LoggerMessage(50, LogLevel.Information, "Notification worker started: {BatchSize} per round, polling every {PollSeconds} s")]
    public static partial void WorkerStarted(ILogger logger, int batchSize, double pollSeconds);

    [LoggerMessage(51, LogLevel.Warning, "Notification worker round failed; retrying")]
    public static partial void WorkerRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(52, LogLevel.Warning, "Delivery {DeliveryId} of {NotificationId} failed for good after {Attempts} attempts: {Error}")]
    public static partial void DeliveryFailed(ILogger logger, long deliveryId, string notificationId, int attempts, string error);

    [LoggerMessage(53, LogLevel.Warning, "Delivery {DeliveryId} of {NotificationId} was sent after its lease ran out; another worker had taken it")]
    public static partial void DeliveryLeaseLost(ILogger logger, long deliveryId, string notificationId);

    [LoggerMessage(54, LogLevel.Information, "Notification retention removed {Removed} sent deliveries and notifications")]
    public static partial void DeliveriesPurged(ILogger logger, int removed);

    [LoggerMessage(60, LogLevel.Information, "Alert {Id} opened: {Rule} for {Subject} (tenant {Tenant})")]
    public static partial void AlertOpened(ILogger logger, string tenant, string rule, string subject, long id);

    [LoggerMessage(61, LogLevel.Information, "Alert {Id} resolved: {Rule} for {Subject} (tenant {Tenant})")]
    public static partial void AlertResolved(ILogger logger, string tenant, string rule, string subject, long id);

    [LoggerMessage(62, LogLevel.Warning, "Alert rules of tenant {Tenant} failed; retrying next round")]
    public static partial void AlertTenantFailed(ILogger logger, string tenant, Exception exception);

    [LoggerMessage(63, LogLevel.Warning, "Alert evaluation failed; retrying next round")]
    public static partial void AlertRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(80, LogLevel.Information, "Bus {Sink} started: publishing to {Target}")]
    public static partial void BusStarted(ILogger logger, string sink, string target);

    [LoggerMessage(81, LogLevel.Information, "Bus {Sink} connected to {Target} (after {Failures} failed attempts)")]
    public static partial void BusConnected(ILogger logger, string sink, string target, int failures);

    [LoggerMessage(82, LogLevel.Warning, "Bus {Sink} unavailable (attempt {Failures}; its messages wait in the outbox): {Kind}: {Reason}")]
    public static partial void BusUnavailable(ILogger logger, string sink, int failures, string kind, string reason);

    [LoggerMessage(83, LogLevel.Warning, "Bus {Sink}: {Failed} of {Taken} messages failed and will be retried: {Reason}")]
    public static partial void BusPublishFailed(ILogger logger, string sink, int failed, int taken, string reason);

    [LoggerMessage(84, LogLevel.Warning, "Bus {Sink} delivery {DeliveryId} of {NotificationId} was published after its lease ran out; another worker had taken it")]
    public static partial void BusLeaseLost(ILogger logger, string sink, long deliveryId, string notificationId);

    [LoggerMessage(85, LogLevel.Warning, "Bus {Sink} queue statistics could not be read: {Reason}")]
    public static partial void BusStatsFailed(ILogger logger, string sink, string reason);

    [LoggerMessage(70, LogLevel.Warning, "Edge activity for metrics could not be read: {Reason}")]
    public static partial void EdgeActivityFailed(ILogger logger, string reason);

    [LoggerMessage(71, LogLevel.Warning, "The database is unavailable ({Method} {Path}): {Reason}")]
    public static partial void DatabaseUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(90, LogLevel.Information, "Data-protection {Element} stored in the database, unencrypted like ASP.NET's default key folder (protect it with the database's access control)")]
    public static partial void KeyRingElementStored(ILogger logger, string element);
}
