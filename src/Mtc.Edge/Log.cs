using Microsoft.Extensions.Logging;

namespace Mtc.Edge;

/// <summary>Every log message of the edge, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Edge {EdgeId} started: outbox {Path} (stream {StreamId}), {Records} records waiting")]
    public static partial void Started(ILogger log, string edgeId, string path, string streamId, long records);

    [LoggerMessage(1100, LogLevel.Warning, "Uplink: {Error}; retrying in {Wait}")]
    public static partial void UplinkRetry(ILogger log, string? error, TimeSpan wait);

    [LoggerMessage(1101, LogLevel.Error, "Uplink failed; retrying")]
    public static partial void UplinkFailed(ILogger log, Exception e);

    [LoggerMessage(1102, LogLevel.Error, "Uplink: batch {From}..{To} refused with HTTP {Status}, moved to quarantine: {Body}")]
    public static partial void Quarantined(ILogger log, long from, long to, int status, string body);

    [LoggerMessage(1001, LogLevel.Warning, "Counting the outbox statistics failed: {Error}; counting again shortly")]
    public static partial void StatsFailed(ILogger log, string error);

    [LoggerMessage(1105, LogLevel.Error, "Uplink: the cloud held seq {Held} of this outbox's stream, which sent only through {Sent}: " +
        "the outbox was restored from a backup or copied from another edge. Nothing is deleted; every record still in it is " +
        "sent again as stream {StreamId}, and the cloud stores what it already had once")]
    public static partial void StreamRotated(ILogger log, long held, long sent, string streamId);

    [LoggerMessage(1103, LogLevel.Information, "Registered {Machines} machines with the cloud: {Status}")]
    public static partial void Registered(ILogger log, int machines, string status);

    [LoggerMessage(1104, LogLevel.Error, "The cloud refused the registration with HTTP {Status}: {Body}")]
    public static partial void SetupRefused(ILogger log, int status, string body);

    [LoggerMessage(1200, LogLevel.Information, "{Source}: connected (instance {InstanceId}, continuing from {Next})")]
    public static partial void Connected(ILogger log, string source, string? instanceId, long next);

    [LoggerMessage(1201, LogLevel.Warning, "{Source}: {Error}; reconnecting in {Wait}")]
    public static partial void SourceRetry(ILogger log, string source, string error, TimeSpan wait);

    [LoggerMessage(1202, LogLevel.Warning, "{Source}: gap of {Missed} sequences ({Reason})")]
    public static partial void Gap(ILogger log, string source, long? missed, string reason);

    [LoggerMessage(1203, LogLevel.Warning, "{Source}: streaming failed ({Error}); polling instead")]
    public static partial void Polling(ILogger log, string source, string error);

    [LoggerMessage(1205, LogLevel.Information, "{Source}: {Count} observations below the cursor {Next} answered again; not stored twice")]
    public static partial void Resent(ILogger log, string source, int count, long next);

    [LoggerMessage(1206, LogLevel.Warning, "{Source}: the agent's sequence went back without a new instanceId ({AgentInstanceId}); collecting its new run as instance {InstanceId}")]
    public static partial void SequenceReset(ILogger log, string source, string? agentInstanceId, string? instanceId);

    [LoggerMessage(1207, LogLevel.Warning, "{Source}: a stream part left out sequences from {Next} that the agent still holds; catching up by polling")]
    public static partial void StreamSkipped(ILogger log, string source, long next);

    [LoggerMessage(1204, LogLevel.Warning, "{Source}: malformed SHDR line skipped ({Count} so far): {Error}")]
    public static partial void MalformedShdrLine(ILogger log, string source, long count, string error);

    [LoggerMessage(1300, LogLevel.Warning, "{Source}: {Error}; polling on")]
    public static partial void ModbusFailed(ILogger log, string source, string error);

    [LoggerMessage(1301, LogLevel.Information, "{Source}: answering again (after: {Error})")]
    public static partial void ModbusAnswering(ILogger log, string source, string error);

    [LoggerMessage(1302, LogLevel.Warning, "{Source}: counter of {MachineId} went from {Previous} to {Current}: {Change}, {Parts} parts counted")]
    public static partial void CounterWentDown(ILogger log, string source, string machineId, uint previous, uint current, string change, long parts);

    [LoggerMessage(1400, LogLevel.Information, "{Source}: connected to the broker as {ClientId} (session kept by the broker: {SessionPresent})")]
    public static partial void MqttConnected(ILogger log, string source, string clientId, bool sessionPresent);

    [LoggerMessage(1401, LogLevel.Warning, "{Source}: message on {Topic} dropped ({Count} on this topic so far): {Reason}")]
    public static partial void MqttMessageDropped(ILogger log, string source, string topic, long count, string reason);

    [LoggerMessage(1402, LogLevel.Error, "{Source}: storing a message of {Topic} failed; it stays unacknowledged and the broker delivers it again after the reconnect")]
    public static partial void MqttStoreFailed(ILogger log, string source, string topic, Exception e);

    [LoggerMessage(1500, LogLevel.Warning, "Heartbeat to the cloud refused: {Status} {Body}")]
    public static partial void HeartbeatRefused(ILogger log, int status, string body);

    [LoggerMessage(1501, LogLevel.Debug, "Heartbeat to the cloud failed: {Error}")]
    public static partial void HeartbeatFailed(ILogger log, string error);
}
