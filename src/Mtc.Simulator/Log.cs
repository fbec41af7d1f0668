using Microsoft.Extensions.Logging;

namespace Mtc.Simulator;

/// <summary>Every log message of the simulator, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "MTConnect agent (schema {Version}, quirks {Quirks}) listening on {Url}, serving {Devices}")]
    public static partial void Listening(ILogger logger, string version, string quirks, Uri url, string devices);

    [LoggerMessage(2, LogLevel.Information, "Replaying {Path} into device {Device} at speed {Speed}")]
    public static partial void ReplayStarted(ILogger logger, string path, string device, double speed);

    [LoggerMessage(3, LogLevel.Information, "End of {Path}: {Lines} lines replayed, {Unknown} unknown keys")]
    public static partial void ReplayEnded(ILogger logger, string path, int lines, int unknown);

    [LoggerMessage(4, LogLevel.Warning, "{Path} line {Line} skipped: {Reason}")]
    public static partial void LineSkipped(ILogger logger, string path, int line, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Key '{Key}' (line {Line}) matches no data item name or id of device {Device}; ignored")]
    public static partial void UnknownKey(ILogger logger, string key, int line, string device);

    [LoggerMessage(7, LogLevel.Warning, "{Source}: {Problem}; line skipped")]
    public static partial void MalformedLine(ILogger logger, string source, string problem);

    [LoggerMessage(8, LogLevel.Information, "Connected to SHDR adapter {Host}:{Port} feeding device {Device}")]
    public static partial void AdapterConnected(ILogger logger, string host, int port, string device);

    [LoggerMessage(6, LogLevel.Error, "Data source failed; the agent keeps serving what it has")]
    public static partial void SourceFailed(ILogger logger, Exception error);

    [LoggerMessage(9, LogLevel.Information, "Publishing to the MQTT broker {Host}:{Port} under {Prefix}/ (Probe, Current, Sample per device)")]
    public static partial void MqttConnected(ILogger logger, string host, int port, string prefix);

    [LoggerMessage(10, LogLevel.Warning, "MQTT broker {Host}:{Port}: {Error}; reconnecting")]
    public static partial void MqttFailed(ILogger logger, string host, int port, string error);
}
