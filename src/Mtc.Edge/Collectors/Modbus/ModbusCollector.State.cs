using System.Globalization;
using System.Text;
using System.Text.Json;
using Mtc.Edge.Analytics;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Collectors.Modbus;

// What survives a restart, in the cursor's state blob (written in the same transaction as the records):
// { "channels": { machineId: { "raw": last module value, "total": running count, "model": device model hash } },
//   "analytics": the SourceAnalytics state }.
internal sealed partial class ModbusCollector
{
    /// <summary>Continues the numbering, the counters and the analyzers from the cursor; stores the device models not stored yet.</summary>
    private void Resume()
    {
        var stored = _outbox.GetCursor(Key);
        var (channels, analytics) = Parse(stored?.AnalyticsState);
        _analytics = new SourceAnalytics(analytics);
        var models = new List<OutboxEntry>();
        foreach (var ch in _channels)
        {
            _analytics.SetDevice(ch.MachineId, ch.Model.Device);
            if (channels.TryGetValue(ch.MachineId, out var saved))
            {
                ch.Raw = saved.Raw;
                ch.Total = saved.Total;
            }
            if (saved?.Model != ModelHash(ch))
            {
                models.Add(new OutboxEntry("deviceModel", ch.MachineId, null, false,
                    RecordPayloads.DeviceModel(ch.MachineId, ch.Model.Device.Uuid, ch.Model.Device.Name, ch.Model.Document)));
            }
        }
        if (stored is { } cursor)
        {
            _instance = cursor.InstanceId ?? "";
            _next = cursor.NextSequence;
        }
        else
        {
            _instance = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            _next = 1;
        }
        if (models.Count > 0 || stored is null)
        {
            _outbox.Append(Key, new SourceCursor(_instance, _next, Save()), models);
        }
        _source.InstanceId = _instance;
        _source.NextSequence = _next;
        _analytics.Publish(_state);
    }

    private void Store(List<OutboxEntry> entries)
    {
        _outbox.Append(Key, new SourceCursor(_instance, _next, Save()), entries);
        _source.NextSequence = _next;
        var observations = 0;
        foreach (var group in entries.Where(e => e.Kind == "observation").GroupBy(e => e.MachineId!, StringComparer.Ordinal))
        {
            var n = group.Count();
            observations += n;
            _state.MachineData(group.Key, Key, n);
        }
        _source.AddObservations(observations);
        _analytics.Publish(_state);
        _metrics.Observations(Key, observations);
    }

    private byte[] Save()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("channels");
            foreach (var ch in _channels)
            {
                w.WriteStartObject(ch.MachineId);
                if (ch.Raw is { } raw)
                {
                    w.WriteNumber("raw", raw);
                }
                w.WriteNumber("total", ch.Total);
                w.WriteString("model", ModelHash(ch));
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WritePropertyName("analytics");
            w.WriteRawValue(_analytics.Save(), skipInputValidation: true);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static (Dictionary<string, SavedChannel> Channels, byte[]? Analytics) Parse(byte[]? blob)
    {
        var channels = new Dictionary<string, SavedChannel>(StringComparer.Ordinal);
        if (blob is null || blob.Length == 0)
        {
            return (channels, null);
        }
        try
        {
            using var doc = JsonDocument.Parse(blob);
            if (doc.RootElement.TryGetProperty("channels", out var list) && list.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in list.EnumerateObject())
                {
                    uint? raw = p.Value.TryGetProperty("raw", out var r) && r.TryGetUInt32(out var v) ? v : null;
                    var total = p.Value.TryGetProperty("total", out var t) && t.TryGetInt64(out var n) ? n : 0;
                    var model = p.Value.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    channels[p.Name] = new SavedChannel(raw, total, model);
                }
            }
            var analytics = doc.RootElement.TryGetProperty("analytics", out var a) && a.ValueKind == JsonValueKind.Object
                ? Encoding.UTF8.GetBytes(a.GetRawText())
                : null;
            return (channels, analytics);
        }
        catch (JsonException)
        {
            // An unreadable blob: every channel takes a new baseline (what is already stored stays valid).
            return (channels, null);
        }
    }

    /// <summary>The model depends on the configuration (name, module, channel): a change stores it again.</summary>
    private static string ModelHash(Channel ch) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(ch.Model.Document)))[..16];

    private sealed record SavedChannel(uint? Raw, long Total, string? Model);
}
