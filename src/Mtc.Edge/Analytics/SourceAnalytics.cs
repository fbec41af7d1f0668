using System.Text.Json;
using Mtc.Core.Analytics;
using Mtc.Core.Model;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;

namespace Mtc.Edge.Analytics;

/// <summary>
/// The machine analytics of one collector: a <see cref="MachineAnalyzer"/> per machine, fed in stream order. The collector
/// appends the <c>derivedEvent</c> records it gets from <see cref="Observe"/> and <see cref="Save"/>'s state to the same
/// outbox transaction as the observations and the cursor, so after a crash the analyzers resume exactly where the cursor
/// does: nothing derived is lost or derived twice (event ids are deterministic, so a resent batch changes nothing).
/// The saved state is a JSON object <c>{ machineId: { "model": fingerprint of the device model, "state": analyzer state,
/// "ended": [derivedEvent payloads not appended yet] } }</c>; <see cref="SaveChanges"/> gives the same per-machine objects,
/// only those of the machines that changed since the last call, so a commit costs what changed, not every machine.
/// A collector builds one from the stored blob whenever it (re)connects, so the analyzers always continue from what was committed.
/// </summary>
internal sealed class SourceAnalytics
{
    private readonly Dictionary<string, Saved> _saved;
    private readonly Dictionary<string, Machine> _machines = new(StringComparer.Ordinal);

    // Per machine, derivedEvent payloads of events that ended when its device model changed, not yet appended. They travel
    // in the saved state until an Observe of that machine appends them, so a crash loses or repeats none of them.
    private readonly Dictionary<string, List<string>> _ended = new(StringComparer.Ordinal);

    // Machines whose analyzer changed since the last Publish.
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);

    // Per machine, its saved object ({model, state, ended}) as of the last save; dropped when the analyzer changes, so a
    // save serializes only the machines observed since (it runs once per stored batch).
    private readonly Dictionary<string, byte[]> _rows = new(StringComparer.Ordinal);

    // Machines whose saved object changed since the last SaveChanges; until the first one, every machine is written.
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private bool _savedAll;

    /// <summary>Starts from the state stored with the collector's cursor (null on a first start).</summary>
    public SourceAnalytics(byte[]? saved)
    {
        _saved = Parse(saved);
    }

    /// <summary>States stored for machines whose analyzer could not continue from them (another model, or unreadable).</summary>
    public int DiscardedStates { get; private set; }

    /// <summary>
    /// Sets a machine's device model (from the probe, or the adapter's Devices.xml). When the model is the same as the one
    /// the stored state was derived with (same device ids and the same data items), the analyzer is rebuilt from that state,
    /// so an open cycle continues across the restart or re-probe. When the model changed, the analyzer starts fresh (the
    /// stored state refers to data items the new model may not have) and what was open under the old model ends where the
    /// old model's input ended, as at the end of a log (<see cref="MachineAnalyzer.Finish"/>): those events are appended with
    /// the machine's next observation, so no event sent open is left without an end.
    /// </summary>
    public void SetDevice(string machineId, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var fingerprint = Fingerprint(device);
        string? state = null;
        if (_machines.TryGetValue(machineId, out var current))
        {
            if (current.Fingerprint == fingerprint)
            {
                state = current.Analyzer.SaveState();
            }
            else
            {
                End(machineId, current.Analyzer);
            }
        }
        else if (_saved.TryGetValue(machineId, out var stored))
        {
            if (stored.Model == fingerprint)
            {
                state = stored.State;
            }
            else
            {
                DiscardedStates++;
                if (TryRestore(device, stored.State) is { } old)
                {
                    End(machineId, old);
                }
            }
        }
        _machines[machineId] = new Machine(fingerprint, Build(device, state));
        _changed.Add(machineId);
        Touch(machineId);
    }

    private void End(string machineId, MachineAnalyzer old)
    {
        old.Finish();
        var ended = _ended.TryGetValue(machineId, out var list) ? list : _ended[machineId] = [];
        ended.AddRange(old.TakeEvents().Select(e => System.Text.Encoding.UTF8.GetString(RecordPayloads.DerivedEvent(machineId, e))));
        Touch(machineId);
    }

    private void Touch(string machineId)
    {
        _rows.Remove(machineId);
        _dirty.Add(machineId);
    }

    public bool Has(string machineId) => _machines.ContainsKey(machineId);

    /// <summary>
    /// Feeds one observation; appends a <c>derivedEvent</c> entry for each event it completed, then one (with no end) for
    /// each event that is open now and was not sent yet (<see cref="MachineAnalyzer.TakeOpenEvents"/>). Which open events
    /// were sent is part of the analyzer state saved with these entries, so a crash neither loses nor repeats one.
    /// </summary>
    public void Observe(string machineId, Observation observation, string? instanceId, List<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (!_machines.TryGetValue(machineId, out var machine))
        {
            return; // no device model for it (yet): nothing to analyze with.
        }
        if (_ended.Remove(machineId, out var ended))
        {
            entries.AddRange(ended.Select(e => new OutboxEntry("derivedEvent", machineId, null, false, System.Text.Encoding.UTF8.GetBytes(e))));
        }
        machine.Analyzer.Observe(observation, instanceId);
        _changed.Add(machineId);
        Touch(machineId);
        foreach (var e in machine.Analyzer.TakeEvents())
        {
            entries.Add(new OutboxEntry("derivedEvent", machineId, null, false, RecordPayloads.DerivedEvent(machineId, e)));
        }
        foreach (var e in machine.Analyzer.TakeOpenEvents())
        {
            entries.Add(new OutboxEntry("derivedEvent", machineId, null, false, RecordPayloads.DerivedEvent(machineId, e)));
        }
    }

    /// <summary>The machines this source analyzes.</summary>
    public IReadOnlyCollection<string> MachineIds => _machines.Keys;

    /// <summary>
    /// The source is alive but <paramref name="machineId"/> sent nothing for <paramref name="sinceLastObservation"/>
    /// (<see cref="MachineAnalyzer.Tick"/>): appends a <c>derivedEvent</c> entry for each event that ended or opened on the
    /// way. The analyzer's state is saved with those entries; when there are none, nothing is to save (the next tick or
    /// observation moves the clock from the last observation again).
    /// </summary>
    public void Tick(string machineId, TimeSpan sinceLastObservation, List<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (!_machines.TryGetValue(machineId, out var machine))
        {
            return;
        }
        machine.Analyzer.Tick(sinceLastObservation);
        var events = machine.Analyzer.TakeEvents().Concat(machine.Analyzer.TakeOpenEvents()).ToList();
        if (events.Count == 0)
        {
            return;
        }
        _changed.Add(machineId);
        Touch(machineId);
        entries.AddRange(events.Select(e => new OutboxEntry("derivedEvent", machineId, null, false, RecordPayloads.DerivedEvent(machineId, e))));
    }

    /// <summary>
    /// Puts the snapshot of every machine observed since the last call into <paramref name="state"/>, for the status page;
    /// the collector calls it once per stored batch, after the batch is committed.
    /// </summary>
    public void Publish(EdgeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var id in _changed)
        {
            if (_machines.TryGetValue(id, out var m))
            {
                state.SetSnapshot(id, m.Analyzer.Snapshot());
            }
        }
        _changed.Clear();
    }

    /// <summary>Every machine's state (and the stored states of machines not seen since the start), as one blob.</summary>
    public byte[] Save()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var id in AllIds())
            {
                w.WritePropertyName(id);
                w.WriteRawValue(Row(id), skipInputValidation: true);
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The saved objects of the machines that changed since the last call (all of them, <see cref="AnalyticsStates.Full"/>,
    /// on the first), for the outbox to store with the cursor: the blob <see cref="Save"/> would give is the stored objects
    /// with these replaced. A collector whose commit fails builds a new instance from what is stored, so nothing is skipped.
    /// </summary>
    public AnalyticsStates SaveChanges()
    {
        var full = !_savedAll;
        var ids = full ? AllIds() : _dirty.Order(StringComparer.Ordinal);
        var rows = ids.Select(id => new KeyValuePair<string, byte[]>(id, Row(id))).ToList();
        _savedAll = true;
        _dirty.Clear();
        return new AnalyticsStates(full, rows);
    }

    private IEnumerable<string> AllIds() => _saved.Keys.Concat(_machines.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>A machine's saved object: <c>{"model": .., "state": {analyzer state}, "ended": [..]}</c>.</summary>
    private byte[] Row(string id)
    {
        if (_rows.TryGetValue(id, out var row))
        {
            return row;
        }
        string model, state;
        if (_machines.TryGetValue(id, out var m))
        {
            (model, state) = (m.Fingerprint, m.Analyzer.SaveState());
        }
        else
        {
            (model, state) = (_saved[id].Model, _saved[id].State);
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(state.Length + 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            // The analyzer's state is JSON already: kept as an object, not escaped into a string.
            w.WritePropertyName("state");
            w.WriteRawValue(state, skipInputValidation: true);
            if (_ended.TryGetValue(id, out var ended) && ended.Count > 0)
            {
                w.WriteStartArray("ended");
                foreach (var payload in ended)
                {
                    w.WriteStringValue(payload);
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        row = buffer.WrittenSpan.ToArray();
        _rows[id] = row;
        return row;
    }

    private MachineAnalyzer Build(Device device, string? state)
    {
        if (state is null)
        {
            return new MachineAnalyzer(device);
        }
        if (TryRestore(device, state) is { } restored)
        {
            return restored;
        }
        DiscardedStates++;
        return new MachineAnalyzer(device);
    }

    private static MachineAnalyzer? TryRestore(Device device, string state)
    {
        try
        {
            return MachineAnalyzer.Restore(device, state);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }

    private Dictionary<string, Saved> Parse(byte[]? saved)
    {
        var map = new Dictionary<string, Saved>(StringComparer.Ordinal);
        if (saved is null || saved.Length == 0)
        {
            return map;
        }
        try
        {
            using var doc = JsonDocument.Parse(saved);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Object
                        && p.Value.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
                        && p.Value.TryGetProperty("state", out var state) && state.ValueKind is JsonValueKind.String or JsonValueKind.Object)
                    {
                        // An object since states are stored per machine; a string (the same JSON, escaped) before.
                        map[p.Name] = new Saved(model.GetString()!, state.ValueKind == JsonValueKind.String ? state.GetString()! : state.GetRawText());
                        if (p.Value.TryGetProperty("ended", out var ended) && ended.ValueKind == JsonValueKind.Array)
                        {
                            _ended[p.Name] = [.. ended.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // An unreadable blob: the analyzers start fresh (the records already stored stay valid).
        }
        return map;
    }

    /// <summary>What the analyzer depends on in a model: the device's ids and its data items (id, name, type, subType, category).</summary>
    private static string Fingerprint(Device device)
    {
        var text = string.Join('\n', new[] { device.Uuid ?? "", device.Name ?? "", device.Id ?? "" }
            .Concat(device.AllDataItems().Select(d => $"{d.Id}|{d.Name}|{d.Type}|{d.SubType}|{d.Category}").Order(StringComparer.Ordinal)));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    private sealed record Saved(string Model, string State);

    private sealed record Machine(string Fingerprint, MachineAnalyzer Analyzer);
}
