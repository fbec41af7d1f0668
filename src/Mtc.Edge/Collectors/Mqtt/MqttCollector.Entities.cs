using System.Globalization;
using System.Text.Json;
using Mtc.Core.Model;
using Mtc.Core.Shdr;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Collectors.Mqtt;

/// <summary>
/// The entity layout (<c>Topics: Entities</c>): cppagent's MQTT entity sink publishes each observation alone on
/// <c>&lt;prefix&gt;/Devices/&lt;uuid&gt;/Observations/&lt;dataItemId&gt;</c> as a flat JSON object (<c>dataItemId</c>, <c>name</c>,
/// <c>type</c>, <c>subType</c>, <c>category</c>, <c>timestamp</c>, <c>result</c>, <c>sequence</c>; conditions <c>level</c>,
/// <c>nativeCode</c>, <c>conditionId</c>, <c>message</c>). Each message is read as a sample document of that one observation, so
/// dedupe and gap detection are the document layout's: below the device's cursor is a duplicate, a skip no topic of the
/// agent delivered is a gap once settled. cppagent's payload has no <c>instanceId</c>: one is read when present, else the
/// instance is <see cref="NoInstance"/>, and an agent restart is told by its sequence going back (<see cref="WentBack"/>).
/// A payload without a <c>sequence</c> is given the device's next one: it is stored, but neither deduplicated nor checked
/// for gaps.
/// </summary>
internal sealed partial class MqttCollector
{
    /// <summary>The instanceId an entity payload without one is stored under.</summary>
    public const long NoInstance = 0;

    private void OnEntity(string topic, string uuid, string dataItemId, byte[] bytes)
    {
        Observation observation;
        long instance;
        try
        {
            using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = limits.MaxDepth, CommentHandling = JsonCommentHandling.Skip });
            (observation, instance) = ReadEntity(json.RootElement, uuid, dataItemId);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            Reject(topic, e.Message);
            return;
        }
        var doc = new StreamsDocument
        {
            Header = new DocumentHeader { InstanceId = instance, LastSequence = observation.Sequence, NextSequence = observation.Sequence + 1 },
            Streams = [new DeviceStream(_devices.GetValueOrDefault(uuid)?.MachineId ?? uuid, uuid, [observation])],
        };
        if (instance == NoInstance && _devices.GetValueOrDefault(uuid) is { } device && WentBack(device, observation))
        {
            StartRun(device, doc, observation.Sequence);
            return;
        }
        OnStreams(uuid, doc, current: false);
    }

    /// <summary>
    /// Without an instanceId, an agent restart shows as its sequence going back: an observation below the device's cursor
    /// that is newer than everything stored of the device in this run. A QoS 1 redelivery, or the latest values the entity
    /// sink publishes again on every connect, are below the cursor too, but no newer than what was stored.
    /// </summary>
    private static bool WentBack(MqttDevice device, Observation observation) =>
        device.InstanceId is not null && observation.Sequence < device.Next && device.Newest is { } newest && observation.Timestamp > newest;

    /// <summary>
    /// The agent restarted without telling (no instanceId on the wire): its new run is collected as the next epoch of the
    /// instance (<see cref="WireInstance"/>: <c>0~1</c>, ...), so none of it is taken for the old run's sequences, and a gap
    /// record says that what the old run published after the cursor and the edge did not receive is unknown.
    /// </summary>
    private void StartRun(MqttDevice device, StreamsDocument doc, long sequence)
    {
        Settle(device, force: true);
        var old = device.InstanceId;
        var entries = new List<OutboxEntry>
        {
            Gap(device, null, device.Next, null, old, string.Create(CultureInfo.InvariantCulture,
                $"the agent's sequence went back from {device.Next} to {sequence} with newer timestamps and no instanceId (taken for an agent restart); what the old run published after sequence {device.Next - 1} and did not reach the edge is unknown")),
        };
        device.InstanceId = WireInstance.NextEpoch(old);
        // The new run's sequences start over: what the old run's topics delivered says nothing about them.
        var seen = _seen[WireInstance.AgentPart(old) ?? ""] = new SeenSequences();
        See(seen, doc);
        var n = AddObservations(device, doc, long.MinValue, entries);
        var next = SamplePage.Plan(0, doc).Next;
        outbox.Append(device.CursorKey, device.Cursor(next), entries);
        device.Next = next;
        device.ScannedTo = next;
        _source.InstanceId = device.InstanceId;
        _source.NextSequence = next;
        Log.SequenceReset(log, device.CursorKey, null, device.InstanceId);
        Received(n, 1);
    }

    private (Observation Observation, long Instance) ReadEntity(JsonElement root, string uuid, string topicItem)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("an observation message must be a JSON object");
        }
        var id = Text(root, "dataItemId") ?? topicItem;
        var device = _devices.GetValueOrDefault(uuid);
        var item = device?.Items.GetValueOrDefault(id);
        var category = Text(root, "category") is { } c
            ? c.ToUpperInvariant() switch
            {
                "SAMPLE" => DataItemCategory.Sample,
                "EVENT" => DataItemCategory.Event,
                "CONDITION" => DataItemCategory.Condition,
                _ => throw new FormatException($"category '{c}' is not SAMPLE, EVENT or CONDITION"),
            }
            : item?.Category ?? throw new FormatException("no category, and the data item is not in the device's model");
        var type = Text(root, "type") ?? item?.Type ?? throw new FormatException("no type, and the data item is not in the device's model");
        var timestamp = Text(root, "timestamp") is { } t
            ? DateTime.Parse(t, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
            : throw new FormatException("no timestamp");
        long sequence;
        if (root.TryGetProperty("sequence", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            sequence = s.ValueKind == JsonValueKind.String ? long.Parse(s.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture) : s.GetInt64();
        }
        else
        {
            sequence = device?.InstanceId is null ? 1 : device.Next;
        }
        var instance = root.TryGetProperty("instanceId", out var i) && i.ValueKind != JsonValueKind.Null
            ? i.ValueKind == JsonValueKind.String ? long.Parse(i.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture) : i.GetInt64()
            : NoInstance;
        Observation observation;
        if (category == DataItemCategory.Condition)
        {
            var level = (Text(root, "level") ?? "UNAVAILABLE").ToUpperInvariant() switch
            {
                "NORMAL" => ConditionLevel.Normal,
                "WARNING" => ConditionLevel.Warning,
                "FAULT" => ConditionLevel.Fault,
                "UNAVAILABLE" => ConditionLevel.Unavailable,
                var l => throw new FormatException($"condition level '{l}' is not NORMAL, WARNING, FAULT or UNAVAILABLE"),
            };
            observation = new Observation
            {
                Category = category, ElementName = level.ToString(), DataItemId = id, Name = Text(root, "name") ?? item?.Name, Sequence = sequence,
                Timestamp = timestamp, SubType = Text(root, "subType") ?? item?.SubType, CompositionId = item?.CompositionId,
                Value = Text(root, "message"), Level = level, Type = type, NativeCode = Text(root, "nativeCode"),
                ConditionId = Text(root, "conditionId"), ComponentType = item?.ComponentType, ComponentId = item?.ComponentId,
            };
        }
        else
        {
            observation = new Observation
            {
                Category = category, ElementName = item is not null ? ShdrObservations.ElementName(item) : ShdrObservations.ElementName(type, null),
                DataItemId = id, Name = Text(root, "name") ?? item?.Name, Sequence = sequence, Timestamp = timestamp,
                SubType = Text(root, "subType") ?? item?.SubType, CompositionId = item?.CompositionId,
                Value = Text(root, "result") ?? Observation.UnavailableValue, ComponentType = item?.ComponentType, ComponentId = item?.ComponentId,
            };
        }
        return (observation, instance);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => v.GetRawText(),
        } : null;
}
