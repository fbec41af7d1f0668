namespace Mtc.Simulator;

/// <summary>Settings of one simulated agent: where it listens, what it serves, and where its data comes from.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Schema version served when none is given: the newest 2.x before the typed 2.6 error documents.</summary>
    public const string DefaultVersion = "2.5";
    public const int DefaultBufferSize = 131072;

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 takes any free port (see <see cref="SimulatorHost.BaseAddress"/>).</summary>
    public int Port { get; init; } = 5000;

    /// <summary>MTConnect schema version of every document served, e.g. <c>2.5</c> or <c>1.3</c>.</summary>
    public string Version { get; init; } = DefaultVersion;
    public int BufferSize { get; init; } = DefaultBufferSize;

    /// <summary>
    /// Which agent to behave like where clients notice a difference (<c>cppagent</c>, the default, or
    /// <c>mtconnect.net</c>); see <see cref="SimulatorOptionsInfo.QuirkProfiles"/>.
    /// </summary>
    public string Quirks { get; init; } = DefaultQuirks;
    public const string DefaultQuirks = "cppagent";

    /// <summary>Number of generated machines (0 = none).</summary>
    public int Generate { get; init; }
    public int Seed { get; init; } = 1;

    /// <summary>A Devices.xml whose device models are served; with <see cref="ShdrLog"/>, the log is replayed into it.</summary>
    public string? DevicesFile { get; init; }
    public string? ShdrLog { get; init; }

    /// <summary>The device (name, uuid or id) the log feeds; the first device of the file when null.</summary>
    public string? Device { get; init; }

    /// <summary>How many times faster than real time the sources run.</summary>
    public double Speed { get; init; } = 1;
    public bool Loop { get; init; }

    /// <summary>Longest pause taken between two replayed lines: longer silences in a log (agent stopped, night) are shortened to this.</summary>
    public TimeSpan MaxReplayGap { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A live SHDR adapter (<c>host:port</c>) feeding the device model of <see cref="DevicesFile"/>.</summary>
    public string? Adapter { get; init; }

    /// <summary>An MQTT broker (<c>host:port</c>) to publish to as cppagent's MQTT sink does; null: none.</summary>
    public string? Mqtt { get; init; }

    /// <summary>The first topic level of what is published to <see cref="Mqtt"/> (cppagent's default <c>MTConnect</c>).</summary>
    public string MqttTopicPrefix { get; init; } = "MTConnect";

    /// <summary>
    /// The topic layout of <see cref="Mqtt"/>: <c>Documents</c> (cppagent's MQTT sink, <c>Mqtt2Service</c>) or <c>Entities</c>
    /// (cppagent's MQTT entity sink, <c>MqttEntitySink</c>: one message per observation; see <see cref="Mqtt.EntityMessages"/>).
    /// </summary>
    public string MqttTopics { get; init; } = "Documents";

    /// <summary>How often each device's new observations are published (cppagent's <c>MqttSampleInterval</c>, 500 ms).</summary>
    public TimeSpan MqttSampleInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often each device's current is published again (cppagent's <c>MqttCurrentInterval</c>, 10 s).</summary>
    public TimeSpan MqttCurrentInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The broker's host and port of <see cref="Mqtt"/>; false when it is not <c>host:port</c>.</summary>
    public bool TryParseMqtt(out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = Mqtt?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !int.TryParse(Mqtt.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }
        host = Mqtt![..colon];
        return true;
    }

    /// <summary>Checks that the settings make sense together; returns a one-line reason, or null when they do.</summary>
    public string? Validate()
    {
        if (Port is < 0 or > 65535)
        {
            return $"--port must be between 0 and 65535, not {Port}";
        }

        if (!Agent.SchemaVersion.TryParse(Version, out _))
        {
            return $"--version '{Version}' is not a served schema version (use one of {string.Join(", ", Agent.SchemaVersion.Supported)})";
        }

        if (Agent.Quirks.AgentQuirks.Find(Quirks) is null)
        {
            return $"--quirks '{Quirks}' is not a quirk profile (use one of {string.Join(", ", Agent.Quirks.AgentQuirks.Profiles.Select(p => p.Name))})";
        }

        if (BufferSize < 16 || BufferSize > 1 << 26)
        {
            return $"--buffer must be between 16 and {1 << 26}, not {BufferSize}";
        }

        if (Generate < 0 || Generate > 10_000)
        {
            return $"--generate must be between 0 and 10000, not {Generate}";
        }

        if (!(Speed > 0) || double.IsInfinity(Speed))
        {
            return $"--speed must be a positive number";
        }

        var sources = (Generate > 0 ? 1 : 0) + (ShdrLog is null ? 0 : 1) + (Adapter is null ? 0 : 1);
        if (sources == 0 && DevicesFile is null)
        {
            return "give a data source: --generate N, --devices FILE --shdr LOG, or --devices FILE --adapter HOST:PORT";
        }

        if (sources > 1)
        {
            return "give one data source: --generate, --shdr or --adapter";
        }

        if ((ShdrLog is not null || Adapter is not null) && DevicesFile is null)
        {
            return "--shdr and --adapter need --devices FILE (the device model the data is mapped to)";
        }

        if (Device is not null && DevicesFile is null)
        {
            return "--device needs --devices FILE";
        }

        if (Mqtt is not null && !TryParseMqtt(out _, out _))
        {
            return $"--mqtt '{Mqtt}' is not HOST:PORT of an MQTT broker";
        }

        if (MqttTopicPrefix.Length == 0 || MqttTopicPrefix.IndexOfAny(['+', '#']) >= 0 || MqttTopicPrefix.StartsWith('/') || MqttTopicPrefix.EndsWith('/'))
        {
            return $"--mqtt-prefix '{MqttTopicPrefix}' must be a topic without wildcards (+, #) or a leading or trailing '/'";
        }

        if (!MqttTopics.Equals("Documents", StringComparison.OrdinalIgnoreCase) && !MqttTopics.Equals("Entities", StringComparison.OrdinalIgnoreCase))
        {
            return $"--mqtt-topics '{MqttTopics}' must be Documents or Entities";
        }

        if (MqttSampleInterval < TimeSpan.FromMilliseconds(10) || MqttCurrentInterval < TimeSpan.FromMilliseconds(100))
        {
            return "the MQTT sample interval must be at least 10 ms and the current interval at least 100 ms";
        }

        return null;
    }
}

/// <summary>What the command line shows about the options.</summary>
public static class SimulatorOptionsInfo
{
    public static IReadOnlyList<string> Versions => Agent.SchemaVersion.Supported;

    /// <summary>The quirk profiles, each with what it changes, in one line.</summary>
    public static IReadOnlyList<(string Name, string Summary)> QuirkProfiles =>
        [.. Agent.Quirks.AgentQuirks.Profiles.Select(p => (p.Name, p.Summary))];
}
