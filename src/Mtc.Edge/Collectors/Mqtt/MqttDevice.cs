using Mtc.Core.Model;
using Mtc.Edge.Analytics;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Collectors.Mqtt;

/// <summary>
/// One device collected over MQTT: its model from the Probe topic, and its own cursor (instanceId, next sequence) and
/// analytics state in the outbox under <see cref="CursorKey"/>, since each device's Sample topic is a stream of its own.
/// </summary>
internal sealed class MqttDevice
{
    /// <summary>
    /// Observations kept while the device's probe has not arrived: retained topics arrive in no promised order, and a
    /// restarted edge gets the backlog its session kept at the broker before the retained probe that its subscription brings.
    /// The oldest are dropped only when both bounds are passed: 1000 documents of any size, or as many messages as make
    /// 100,000 observations (the entity layout sends one observation per message).
    /// </summary>
    public const int MaxPendingMessages = 1000;

    /// <inheritdoc cref="MaxPendingMessages"/>
    public const int MaxPendingObservations = 100_000;

    public MqttDevice(string sourceKey, string uuid, SourceCursor? cursor)
    {
        Uuid = uuid;
        CursorKey = CursorKeyOf(sourceKey, uuid);
        Analytics = new SourceAnalytics(cursor?.AnalyticsState);
        if (cursor?.InstanceId is { } instance)
        {
            InstanceId = instance;
            Next = cursor.NextSequence;
            ScannedTo = cursor.NextSequence;
        }
    }

    public static string CursorKeyOf(string sourceKey, string uuid) => sourceKey + "/" + uuid;

    public string Uuid { get; }

    public string CursorKey { get; }

    public SourceAnalytics Analytics { get; }

    /// <summary>The machine's id: the device's name (as for HTTP agents), else its uuid; null until the probe arrived.</summary>
    public string? MachineId { get; private set; }

    public Dictionary<string, string> Types { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The model's data items by id (an entity message names its data item; its component comes from here).</summary>
    public Dictionary<string, DataItem> Items { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The model document last recorded in this run, so a re-delivered retained probe is not recorded again.</summary>
    public string? RecordedModel { get; set; }

    /// <summary>The instance on the wire; null until a Current or Sample of the agent arrived (and nothing is stored).</summary>
    public string? InstanceId { get; set; }

    /// <summary>The cursor: the sequence after the last stored one; lower ones are already stored.</summary>
    public long Next { get; set; }

    /// <summary>
    /// Where the agent's next document for this device starts: the last header's <c>nextSequence</c> (cppagent's MQTT sink
    /// continues each device's sample from there). Sequences from here to the next document's first observation that no
    /// topic delivered are a gap.
    /// </summary>
    public long ScannedTo { get; set; }

    public Queue<(bool Current, StreamsDocument Document)> Pending { get; } = new();

    /// <summary>The observations in <see cref="Pending"/>.</summary>
    public int PendingObservations { get; set; }

    /// <summary>
    /// Sequences a Sample skipped that no topic had delivered yet: another device's document of the same interval may still
    /// bring them. Each becomes a gap for what is still missing once it has settled (<see cref="MqttCollector.SettleTime"/>).
    /// </summary>
    public List<(long From, long To, DateTimeOffset At)> Suspects { get; } = [];

    /// <summary>The newest timestamp of the observations stored in this run; null until one is.</summary>
    public DateTime? Newest { get; set; }

    public void SetModel(string machineId, Device device)
    {
        MachineId = machineId;
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        var byId = new Dictionary<string, DataItem>(StringComparer.Ordinal);
        foreach (var item in device.AllDataItems())
        {
            items.TryAdd(item.Id, item.Type);
            byId.TryAdd(item.Id, item);
        }
        Types = items;
        Items = byId;
        Analytics.SetDevice(machineId, device);
    }

    public SourceCursor Cursor(long next) => new(InstanceId, next, Analytics.Save());
}
