using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mtc.Core;
using Mtc.Core.Model;
using Mtc.Edge.Outbox;
using Mtc.Edge.Uplink;

namespace Mtc.Edge.Collectors.Mqtt;

internal sealed partial class MqttCollector
{
    private readonly Dictionary<string, MqttDevice> _devices = new(StringComparer.Ordinal);
    private readonly HashSet<string> _agentDevices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeenSequences> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _rejected = new(StringComparer.Ordinal);

    private bool Wanted(string uuid) => options.Devices.Count == 0 || options.Devices.Contains(uuid, StringComparer.Ordinal);

    /// <summary>One message: read within the parser limits, or logged (once per topic) and dropped; nothing else is affected.</summary>
    private void Handle(string topic, ReadOnlySequence<byte> payload)
    {
        var kind = MqttTopicKind.Observation;
        var uuid = "";
        var dataItemId = "";
        if (!(options.EntityTopics && MqttTopic.TryParseObservation(options.TopicPrefix, topic, out uuid, out dataItemId))
            && !(MqttTopic.TryParse(options.TopicPrefix, topic, out kind, out uuid) && (kind == MqttTopicKind.Probe || !options.EntityTopics)))
        {
            return;
        }
        if (payload.Length > limits.MaxDocumentBytes)
        {
            Reject(topic, string.Create(CultureInfo.InvariantCulture,
                $"a message of {payload.Length} bytes is over the limit of {limits.MaxDocumentBytes} (Edge:MaxDocumentBytes)"));
            return;
        }
        if (payload.IsEmpty)
        {
            return; // a retained message being cleared
        }
        var bytes = payload.ToArray();
        if (kind == MqttTopicKind.Observation)
        {
            OnEntity(topic, uuid, dataItemId, bytes);
            return;
        }
        MtConnectDocument doc;
        try
        {
            doc = MtConnectDocumentReader.Read(kind == MqttTopicKind.Probe ? AsDevicesDocument(bytes) : bytes, limits);
        }
        catch (Exception e) when (e is MtConnectFormatException or JsonException or MtConnectAgentErrorException)
        {
            Reject(topic, e.Message);
            return;
        }
        switch (kind, doc)
        {
            case (MqttTopicKind.Probe, DevicesDocument probe):
                OnProbe(probe, bytes);
                break;
            case (MqttTopicKind.Current or MqttTopicKind.Sample, StreamsDocument streams):
                OnStreams(uuid, streams, kind == MqttTopicKind.Current);
                break;
            default:
                Reject(topic, $"a {doc.Kind} document where a {(kind == MqttTopicKind.Probe ? "Devices" : "Streams")} document belongs");
                break;
        }
    }

    /// <summary>
    /// cppagent's MQTT sink publishes each device's model as the JSON of the device alone (<c>{"Device": {...}}</c>, its
    /// <c>JsonEntityPrinter</c>), not as an <c>MTConnectDevices</c> document: such a payload is read as a probe of that one
    /// device. A whole probe document is read as it is.
    /// </summary>
    private byte[] AsDevicesDocument(byte[] bytes)
    {
        if (MtConnectDocumentReader.Sniff(bytes) != DocumentFormat.Json)
        {
            return bytes;
        }
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = limits.MaxDepth, CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return bytes;
        }
        var element = reader.GetString();
        if (element is not ("Device" or "Agent"))
        {
            return bytes;
        }
        reader.Read();
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var value = bytes.AsSpan(start, (int)reader.BytesConsumed - start);
        var head = Encoding.UTF8.GetBytes($$"""{"MTConnectDevices":{"jsonVersion":2,"Header":{},"Devices":{"{{element}}":[""");
        return [.. head, .. value, .. "]}}}"u8];
    }

    private void Reject(string topic, string reason)
    {
        var n = _rejected[topic] = _rejected.GetValueOrDefault(topic) + 1;
        _source.MalformedLines++;
        // Once per topic, then every 1000th: a publisher that sends garbage all day does not flood the log.
        if (n == 1 || n % 1000 == 0)
        {
            Log.MqttMessageDropped(log, Key, topic, n, reason);
        }
    }

    private void OnProbe(DevicesDocument probe, byte[] bytes)
    {
        var models = DeviceModelDocuments.Split(bytes);
        foreach (var d in probe.Devices)
        {
            var uuid = d.Uuid ?? d.Name ?? "";
            if (d.IsAgent)
            {
                _agentDevices.Add(uuid);
                continue;
            }
            if (uuid.Length == 0 || !Wanted(uuid))
            {
                continue;
            }
            var device = Device(uuid);
            var machine = DeviceModelDocuments.Key(d.Name, d.Uuid);
            device.SetModel(machine, d);
            state.SetMachine(new SetupMachine(machine, d.Name, d.Uuid));
            var entries = new List<OutboxEntry>();
            var model = models.GetValueOrDefault(machine, "");
            if (model != device.RecordedModel)
            {
                entries.Add(new OutboxEntry("deviceModel", machine, null, false, RecordPayloads.DeviceModel(machine, d.Uuid, d.Name, model)));
            }
            outbox.Append(device.CursorKey, device.Cursor(device.Next), entries);
            device.RecordedModel = model;
            Received(0, 0);
            var pending = device.Pending.ToList();
            device.Pending.Clear();
            device.PendingObservations = 0;
            foreach (var (current, doc) in pending)
            {
                OnStreams(uuid, doc, current);
            }
        }
    }

    private void ForgetDevices() => _devices.Clear();

    private MqttDevice Device(string uuid)
    {
        if (!_devices.TryGetValue(uuid, out var device))
        {
            device = new MqttDevice(Key, uuid, outbox.GetCursor(MqttDevice.CursorKeyOf(Key, uuid)));
            _devices.Add(uuid, device);
        }
        return device;
    }

    private void OnStreams(string uuid, StreamsDocument doc, bool current)
    {
        var instance = doc.Header.InstanceId?.ToString(CultureInfo.InvariantCulture) ?? "";
        if (!_seen.TryGetValue(instance, out var seen))
        {
            _seen[instance] = seen = new SeenSequences();
        }
        // What a Sample delivered, of any device, is seen; a Current's snapshot only where it is stored (a new instance):
        // a sequence only a Current showed was not collected.
        if (!current)
        {
            See(seen, doc);
        }
        if (_agentDevices.Contains(uuid) || !Wanted(uuid))
        {
            return;
        }
        var device = Device(uuid);
        if (device.MachineId is null)
        {
            device.Pending.Enqueue((current, doc));
            device.PendingObservations += Count(doc);
            while (device.Pending.Count > MqttDevice.MaxPendingMessages && device.PendingObservations > MqttDevice.MaxPendingObservations)
            {
                device.PendingObservations -= Count(device.Pending.Dequeue().Document);
                Reject($"{options.TopicPrefix}/Probe/{uuid}", string.Create(CultureInfo.InvariantCulture,
                    $"no device model yet: the oldest message held for it was dropped (at most {MqttDevice.MaxPendingMessages} messages, or {MqttDevice.MaxPendingObservations} observations, are held)"));
            }
            return;
        }
        if (device.InstanceId is null || WireInstance.AgentPart(device.InstanceId) != instance)
        {
            Settle(device, force: true);
            StartInstance(device, doc, current, instance);
        }
        else if (current)
        {
            // The periodic (or re-delivered retained) snapshot of the same instance: the Samples carry every change.
            Received(0, 0);
        }
        else
        {
            StoreSample(device, doc, seen);
        }
    }

    /// <summary>
    /// A device's first document, or the first of a new agent instance (the agent restarted: its sequence started over).
    /// Everything in it is stored; a gap record says that what the old instance published after the cursor and the edge did
    /// not receive is unknown, as for an HTTP agent's restart.
    /// </summary>
    private void StartInstance(MqttDevice device, StreamsDocument doc, bool current, string instance)
    {
        var entries = new List<OutboxEntry>();
        if (device.InstanceId is { } old)
        {
            entries.Add(Gap(device, null, device.Next, null, old,
                $"agent restarted: instanceId {WireInstance.AgentPart(old)} -> {instance}; what the old instance published after sequence {device.Next - 1} and did not reach the edge is unknown"));
        }
        device.InstanceId = instance;
        if (current)
        {
            See(_seen[instance], doc);
        }
        var n = AddObservations(device, doc, long.MinValue, entries);
        var planned = SamplePage.Plan(0, doc).Next;
        var next = current ? Math.Max(planned, doc.Header.NextSequence ?? 0) : planned;
        outbox.Append(device.CursorKey, device.Cursor(next), entries);
        device.Next = next;
        device.ScannedTo = Math.Max(next, doc.Header.NextSequence ?? 0);
        _source.InstanceId = instance;
        _source.NextSequence = next;
        Log.Connected(log, device.CursorKey, instance, next);
        Received(n, entries.Count(e => e.Kind == "gap"));
    }

    /// <summary>
    /// A Sample of the device's instance, planned as an HTTP agent's sample page (<see cref="SamplePage"/>): observations below
    /// the cursor are stored already (a QoS 1 redelivery, a re-sent message) and dropped; a <c>firstSequence</c> past the
    /// cursor is the agent's buffer overrun, a gap of that exact count. A document whose first observation lies past where the
    /// previous one ended is a gap of the sequences in between that no topic of the agent delivered (messages the broker
    /// dropped, e.g. published while it was down or beyond its queue for the edge).
    /// </summary>
    private void StoreSample(MqttDevice device, StreamsDocument doc, SeenSequences seen)
    {
        var page = SamplePage.Plan(device.Next, doc);
        var entries = new List<OutboxEntry>();
        var from = device.Next;
        if (page.LostFrom is { } lostFrom && page.LostTo is { } lostTo)
        {
            entries.Add(Gap(device, page.Lost, lostFrom, lostTo, device.InstanceId, "fell behind the agent's buffer"));
            from = lostTo + 1;
        }
        else if (page.Returned > 0)
        {
            var start = Math.Max(from, device.ScannedTo);
            var first = FirstAtOrAbove(device, doc, from);
            if (first > start && seen.Missing(start, first - 1) is { Count: > 0 })
            {
                device.Suspects.Add((start, first - 1, time.GetUtcNow()));
            }
        }
        if (page.Ignored > 0)
        {
            Log.Resent(log, device.CursorKey, page.Ignored, device.Next);
        }
        var n = AddObservations(device, doc, from, entries);
        if (entries.Count > 0 || page.Next != device.Next)
        {
            outbox.Append(device.CursorKey, device.Cursor(page.Next), entries);
        }
        device.Next = page.Next;
        if (doc.Header.NextSequence is { } said && (doc.Header.LastSequence is not { } last || said <= last + 1))
        {
            device.ScannedTo = Math.Max(page.Next, said);
        }
        else
        {
            device.ScannedTo = page.Next;
        }
        _source.NextSequence = page.Next;
        Received(n, entries.Count(e => e.Kind == "gap"));
    }

    /// <summary>
    /// Records the settled suspects of every device (those older than <see cref="SettleTime"/>) as gaps of what no topic
    /// delivered meanwhile; the rest stay suspects.
    /// </summary>
    private void SettleAll()
    {
        foreach (var device in _devices.Values)
        {
            Settle(device, force: false);
        }
    }

    private void Settle(MqttDevice device, bool force)
    {
        if (device.Suspects.Count == 0 || device.InstanceId is not { } instance)
        {
            return;
        }
        var now = time.GetUtcNow();
        var entries = new List<OutboxEntry>();
        var seen = _seen.GetValueOrDefault(WireInstance.AgentPart(instance) ?? "") ?? new SeenSequences();
        device.Suspects.RemoveAll(s =>
        {
            if (!force && now - s.At < SettleTime)
            {
                return false;
            }
            if (seen.Missing(s.From, s.To) is { Count: > 0 } missing)
            {
                entries.Add(Gap(device, missing.Count, missing.First, missing.Last, instance,
                    string.Create(CultureInfo.InvariantCulture, $"{missing.Count} sequences before {s.To + 1} never arrived over MQTT")));
            }
            return true;
        });
        if (entries.Count > 0)
        {
            outbox.Append(device.CursorKey, device.Cursor(device.Next), entries);
            Received(0, entries.Count);
        }
    }

    private static int Count(StreamsDocument doc) => doc.Streams.Sum(s => s.Observations.Count);

    private static void See(SeenSequences seen, StreamsDocument doc)
    {
        foreach (var stream in doc.Streams)
        {
            foreach (var o in stream.Observations)
            {
                seen.Add(o.Sequence);
            }
        }
    }

    private static bool IsDevice(MqttDevice device, DeviceStream stream) =>
        stream.Uuid == device.Uuid || (stream.Uuid is null && stream.Name == device.MachineId);

    private static long FirstAtOrAbove(MqttDevice device, StreamsDocument doc, long from)
    {
        var first = long.MaxValue;
        foreach (var stream in doc.Streams.Where(s => IsDevice(device, s)))
        {
            foreach (var o in stream.Observations)
            {
                if (o.Sequence >= from && o.Sequence < first)
                {
                    first = o.Sequence;
                }
            }
        }
        return first;
    }

    /// <summary>The device's observations at or above <paramref name="from"/>, each sequence once, analyzed in sequence order.</summary>
    private int AddObservations(MqttDevice device, StreamsDocument doc, long from, List<OutboxEntry> entries)
    {
        var machine = device.MachineId!;
        var seen = new HashSet<long>();
        var taken = new List<Observation>();
        foreach (var stream in doc.Streams.Where(s => IsDevice(device, s)))
        {
            foreach (var o in stream.Observations)
            {
                if (o.Sequence < from || !seen.Add(o.Sequence))
                {
                    continue;
                }
                entries.Add(new OutboxEntry("observation", machine, o.Sequence, o.Category == DataItemCategory.Sample,
                    RecordPayloads.Observation(machine, device.InstanceId, o, device.Types.GetValueOrDefault(o.DataItemId))));
                taken.Add(o);
                if (device.Newest is not { } newest || o.Timestamp > newest)
                {
                    device.Newest = o.Timestamp;
                }
            }
        }
        state.MachineData(machine, Key, taken.Count);
        foreach (var o in taken.OrderBy(o => o.Sequence))
        {
            device.Analytics.Observe(machine, o, device.InstanceId, entries);
        }
        device.Analytics.Publish(state);
        return taken.Count;
    }

    private OutboxEntry Gap(MqttDevice device, long? missed, long? fromSequence, long? toSequence, string? instanceId, string reason)
    {
        Log.Gap(log, device.CursorKey, missed, reason);
        var machine = device.MachineId!;
        return new OutboxEntry("gap", null, null, false,
            RecordPayloads.Gap(machine, Key, missed, fromSequence, toSequence, reason, instanceId, [machine]));
    }

    private void Received(int observations, int gaps)
    {
        _reconnect.Delivered();
        _source.Delivered(observations, gaps, time.GetUtcNow());
        metrics.Observations(Key, observations);
        metrics.Gaps(Key, gaps);
    }
}
