namespace Mtc.Edge;

/// <summary>The edge gateway's settings: the <c>Edge</c> section of edge.json, overridable by environment (<c>Edge__Cloud__ApiKey</c>).</summary>
public sealed class EdgeOptions
{
    public const string Section = "Edge";

    /// <summary>The gateway's id in the cloud (1-128 characters).</summary>
    public string Id { get; set; } = "";

    /// <summary>Where the outbox database lives; created when missing. Relative paths are relative to the config file.</summary>
    public string DataDirectory { get; set; } = "./edge-data";

    public CloudOptions Cloud { get; set; } = new();

    public List<AgentSourceOptions> Agents { get; set; } = [];

    public List<AdapterSourceOptions> Adapters { get; set; } = [];

    /// <summary>Part counters on Modbus TCP I/O modules (ADAM-6050 layout), each channel a counter-only machine.</summary>
    public List<CounterSourceOptions> Counters { get; set; } = [];

    /// <summary>MTConnect agents read through an MQTT broker (cppagent's MQTT sink: Probe, Current and Sample topics).</summary>
    public List<MqttSourceOptions> Mqtt { get; set; } = [];

    public OutboxOptions Outbox { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    /// <summary>
    /// The largest answer read from a source (a probe, current or sample document, one part of a stream), in bytes; the
    /// limit <c>mtc inspect</c> reads with. A larger answer is refused while it arrives (a larger declared Content-Length
    /// before), and the source is reported failing with the reason.
    /// </summary>
    public long MaxDocumentBytes { get; set; } = Core.ParserLimits.Default.MaxDocumentBytes;

    /// <summary>The parser limits a source's answers are read with.</summary>
    internal Core.ParserLimits SourceLimits() => Core.ParserLimits.Default with
    {
        MaxDocumentBytes = MaxDocumentBytes,
        MaxPartBytes = (int)Math.Min(Core.ParserLimits.Default.MaxPartBytes, MaxDocumentBytes),
    };
}

public sealed class CloudOptions
{
    /// <summary>Base URL of the cloud API; empty keeps everything in the outbox (offline mode).</summary>
    public string Url { get; set; } = "";

    /// <summary>An API key with the <c>edge:ingest</c> scope; set it by environment: <c>Edge__Cloud__ApiKey</c>.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// At most this many records in one batch. A batch takes what waits, up to this: an idle link sends small batches at
    /// once, a backlog goes in large ones (fewer round trips and commits per record).
    /// </summary>
    public int BatchMaxRecords { get; set; } = 20_000;

    /// <summary>At most this many bytes of (uncompressed) records in one batch.</summary>
    public int BatchMaxBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// At most this many batches sent and not yet answered, when a backlog waits (1-16). Each names the batch it follows,
    /// the cloud stores them in order, and after any answer other than an acknowledgement the edge sends again from the
    /// first batch not acknowledged. An idle link has one small batch in flight; so does a cloud too old to check the order.
    /// One by default: with more, an outbox that reaches its quota while batches are in flight can report a wrong number of
    /// dropped records in its gap records (seen in one of four runs of the quota test); the records stored stay exactly once.
    /// </summary>
    public int BatchesInFlight { get; set; } = 1;

    /// <summary>How long one request may take before it counts as a timeout and is retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between retries (backoff doubles from one second up to this, with jitter).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often the edge tells the cloud up to when it has seen each machine whose source is connected (its heartbeat), so
    /// that what a machine does now (IDLE for an hour without a new observation) grows in the cloud's summaries; zero: never.
    /// </summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class AgentSourceOptions
{
    /// <summary>The agent's base URL, e.g. http://127.0.0.1:5000 (a device path such as /M1 may follow).</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// The <c>interval</c> of the streaming sample request: the agent sends new data at once, then waits at most this long
    /// before the next part. Short, as cppagent advises for streaming: data reaches the edge within it.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long to wait before asking an agent that had nothing new again, when polling (or after an idle stream ended).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The <c>heartbeat</c> the agent is asked for; silence beyond three heartbeats means the connection is dead.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The <c>count</c> of observations per sample part. Each stored part also writes the cursor and the analytics state of
    /// every machine it changed, so an edge that is behind (after a restart, or with hundreds of machines on one agent)
    /// catches up in large parts; an edge that keeps up gets small parts anyway (whatever came within the interval).
    /// </summary>
    public int Count { get; set; } = 10_000;

    /// <summary>Stream with one long request (true) or poll <c>/sample</c> (false). Streaming falls back to polling when it fails.</summary>
    public bool Streaming { get; set; } = true;

    /// <summary>How long a probe, current or polled sample may take, its whole answer included (a stream's headers too).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class AdapterSourceOptions
{
    /// <summary>The adapter's host name or address.</summary>
    public string Host { get; set; } = "";

    /// <summary>The adapter's SHDR port.</summary>
    public int Port { get; set; } = 7878;

    /// <summary>A Devices.xml that maps the adapter's keys to data items. Relative paths are relative to the config file.</summary>
    public string Devices { get; set; } = "";

    /// <summary>The device (name or uuid) in <see cref="Devices"/> the adapter feeds; may be empty when the file has one device.</summary>
    public string Device { get; set; } = "";

    /// <summary>Reconnect when nothing (not even a PONG) arrives for this long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When the adapter goes away, every data item is recorded UNAVAILABLE (stamped with the time of the loss) only once it
    /// has stayed away this long without delivering data again: a short flap writes nothing.
    /// </summary>
    public TimeSpan UnavailableAfter { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// One Modbus TCP I/O module (one unit id) whose input channels count parts, ADAM-6050 layout: function 04 from address 0,
/// two input registers per channel as a 32-bit counter, low word first; function 02 for the channels' input states.
/// </summary>
public sealed class CounterSourceOptions
{
    /// <summary>The I/O module's host name or address (required).</summary>
    public string Host { get; set; } = "";

    /// <summary>The module's Modbus TCP port.</summary>
    public int Port { get; set; } = 502;

    /// <summary>The Modbus unit id (slave address) to read; 0-255.</summary>
    public int UnitId { get; set; } = 1;

    /// <summary>How often the module is read.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one request may take (connecting included) before the poll counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Once the module has not answered for this long, its machines' data items are recorded UNAVAILABLE (stamped with
    /// the first failed poll), so the machines are OFFLINE; a shorter interruption writes nothing.
    /// </summary>
    public TimeSpan UnavailableAfter { get; set; } = TimeSpan.FromSeconds(10);

    public List<CounterChannelOptions> Channels { get; set; } = [];
}

/// <summary>One counting input of a module: the machine it counts for.</summary>
public sealed class CounterChannelOptions
{
    /// <summary>The machine's id in the cloud (1-128 characters).</summary>
    public string MachineId { get; set; } = "";

    /// <summary>The machine's name for people; the machine id when empty.</summary>
    public string Name { get; set; } = "";

    /// <summary>The module's channel (0 = registers 0 and 1, 1 = registers 2 and 3, ...; discrete input of the same number).</summary>
    public int Channel { get; set; } = -1;
}

/// <summary>
/// One MQTT broker the edge subscribes to for what an MTConnect agent publishes there: cppagent's MQTT sink (<c>Mqtt2Service</c>)
/// topics <c>&lt;prefix&gt;/Probe/&lt;uuid&gt;</c>, <c>&lt;prefix&gt;/Current/&lt;uuid&gt;</c> and <c>&lt;prefix&gt;/Sample/&lt;uuid&gt;</c>,
/// JSON documents as its HTTP interface serves them.
/// </summary>
public sealed class MqttSourceOptions
{
    /// <summary>The MQTT broker the agent publishes to (required).</summary>
    public string Host { get; set; } = "";

    /// <summary>The broker's port (1883; 8883 is usual with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// The MQTT client id; empty: <c>mtc-edge-&lt;edge id&gt;-&lt;index&gt;</c>. It must stay the same across restarts: the broker keeps
    /// the edge's session (its subscriptions and the messages published while the edge was away) under it.
    /// </summary>
    public string ClientId { get; set; } = "";

    /// <summary>User name for the broker; empty: anonymous.</summary>
    public string Username { get; set; } = "";

    /// <summary>Password for the broker; set it by environment (<c>Edge__Mqtt__0__Password</c>).</summary>
    public string Password { get; set; } = "";

    /// <summary>Connect with TLS (usually port 8883); the broker's certificate is checked against the system's trust store.</summary>
    public bool Tls { get; set; }

    /// <summary>The first topic level of the agent's topics (cppagent's default <c>MTConnect</c>).</summary>
    public string TopicPrefix { get; set; } = "MTConnect";

    /// <summary>The uuids of the devices to collect; empty: every device the agent publishes.</summary>
    public List<string> Devices { get; set; } = [];

    /// <summary>
    /// The agent's topic layout: <c>Documents</c> (cppagent's MQTT sink: Probe, Current and Sample documents per device) or
    /// <c>Entities</c> (cppagent's MQTT entity sink: one message per observation on
    /// <c>&lt;prefix&gt;/Devices/&lt;uuid&gt;/Observations/&lt;dataItemId&gt;</c>, the device model on <c>&lt;prefix&gt;/Probe/&lt;uuid&gt;</c>).
    /// </summary>
    public string Topics { get; set; } = "Documents";

    /// <summary>True for the entity layout (<see cref="Topics"/> <c>Entities</c>).</summary>
    internal bool EntityTopics => string.Equals(Topics, "Entities", StringComparison.OrdinalIgnoreCase);

    /// <summary>How often the edge and the broker check the connection; a dead one is noticed within 1.5 times this.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long connecting (and subscribing) may take before the attempt counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class OutboxOptions
{
    /// <summary>
    /// Disk quota of the outbox files together (outbox.db, -wal, -shm; see <c>QuotaBudget</c>); when the records would not
    /// fit, the oldest samples are dropped first, each drop recorded as a gap.
    /// </summary>
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>The SQLite <c>synchronous</c> setting: FULL (default, survives power loss) or NORMAL (survives a process crash; a power cut may lose the last transactions).</summary>
    public string Synchronous { get; set; } = "FULL";
}

public sealed class HttpOptions
{
    /// <summary>Where the local status page, health checks and metrics listen (semicolon-separated). Port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5081";
}
