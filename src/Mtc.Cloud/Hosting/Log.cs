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

    [LoggerMessage(50, LogLevel.Warning, "Edge activity for metrics could not be read: {Reason}")]
    public static partial void EdgeActivityFailed(ILogger logger, string reason);

    [LoggerMessage(51, LogLevel.Warning, "The database is unavailable ({Method} {Path}): {Reason}")]
    public static partial void DatabaseUnavailable(ILogger logger, string method, string path, string reason);
}
