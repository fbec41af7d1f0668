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

    [LoggerMessage(60, LogLevel.Information, "Alert {Id} opened: {Rule} for {Subject} (tenant {Tenant})")]
    public static partial void AlertOpened(ILogger logger, string tenant, string rule, string subject, long id);

    [LoggerMessage(61, LogLevel.Information, "Alert {Id} resolved: {Rule} for {Subject} (tenant {Tenant})")]
    public static partial void AlertResolved(ILogger logger, string tenant, string rule, string subject, long id);

    [LoggerMessage(62, LogLevel.Warning, "Alert rules of tenant {Tenant} failed; retrying next round")]
    public static partial void AlertTenantFailed(ILogger logger, string tenant, Exception exception);

    [LoggerMessage(63, LogLevel.Warning, "Alert evaluation failed; retrying next round")]
    public static partial void AlertRoundFailed(ILogger logger, Exception exception);
}
