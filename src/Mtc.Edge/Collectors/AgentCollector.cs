using System.Globalization;
using Microsoft.Extensions.Logging;
using Mtc.Core.Model;
using Mtc.Core.Multipart;
using Mtc.Edge.Analytics;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;
using Mtc.Edge.Uplink;

namespace Mtc.Edge.Collectors;

/// <summary>
/// Collects one MTConnect agent: probe, current, then a streaming sample from the stored cursor (polling when streaming
/// fails). Every part's observations and the new cursor (the header's <c>nextSequence</c>) go into the outbox in one
/// transaction. An agent restart (new <c>instanceId</c>) and a fall behind the agent's buffer become gap records.
/// </summary>
internal sealed partial class AgentCollector(
    AgentSourceOptions options, AgentClient agent, OutboxStore outbox, EdgeState state, EdgeMetrics metrics,
    TimeProvider time, ILogger log)
{
    private readonly SourceState _source = state.Source("agent:" + options.Url, "agent", options.Url);
    private readonly ReconnectPolicy _reconnect = new(time);
    private Session _session = null!;
    private SourceAnalytics _analytics = new(null);
    private int _count = options.Count;

    public string Key => _source.Key;

    public async Task RunAsync(CancellationToken ct)
    {
        var streaming = options.Streaming;
        _source.SilenceLimit = options.Heartbeat * 3 + options.Interval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ConnectAsync(ct).ConfigureAwait(false);
                if (streaming)
                {
                    try
                    {
                        await StreamAsync(ct).ConfigureAwait(false);
                        // An agent that ends every stream at once is asked again with backoff, not at once.
                        _source.State = "reconnecting";
                        await Task.Delay(_reconnect.Next(), time, ct).ConfigureAwait(false);
                    }
                    catch (NotStreamingException e)
                    {
                        streaming = false;
                        Log.Polling(log, Key, e.Message);
                    }
                }
                else
                {
                    await PollAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (AgentRestartedException)
            {
                continue; // ConnectAsync sees the new instance and records the gap.
            }
#pragma warning disable CA1031 // a collector survives its source's failures: it reports and reconnects
            catch (Exception e)
#pragma warning restore CA1031
            {
                _source.State = "reconnecting";
                _source.LastError = e is OperationCanceledException ? "timed out" : e.Message;
                var wait = _reconnect.Next();
                Log.SourceRetry(log, Key, _source.LastError, wait);
                try
                {
                    await Task.Delay(wait, time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        _source.State = "stopped";
    }

    /// <summary>Probe; then continue from the stored cursor, or (first start, or the agent restarted) start over from current.</summary>
    private async Task ConnectAsync(CancellationToken ct)
    {
        _source.State = "connecting";
        var (probeDoc, probeBytes) = await agent.GetAsync("probe", ct).ConfigureAwait(false);
        var probe = probeDoc as DevicesDocument ?? throw new InvalidDataException($"probe answered a {probeDoc.Kind} document");
        var instance = probe.Header.InstanceId?.ToString(CultureInfo.InvariantCulture);
        var agentDevices = probe.Devices.Where(d => d.IsAgent).Select(d => d.Name ?? "").ToHashSet(StringComparer.Ordinal);
        var types = TypesOf(probe);
        foreach (var d in probe.Devices.Where(d => !d.IsAgent))
        {
            state.SetMachine(new SetupMachine(MachineId(d.Name, d.Uuid), d.Name, d.Uuid));
        }
        if (probe.Header.BufferSize is { } size && size > 0 && size < _count)
        {
            _count = (int)size;
        }
        var cursor = outbox.GetCursor(Key);
        // Each (re)connect continues the analyzers from the state committed with the cursor; a probe with the same device
        // model keeps a machine's state, a changed model starts that machine's analyzer fresh (SourceAnalytics.SetDevice).
        _analytics = new SourceAnalytics(cursor?.AnalyticsState);
        foreach (var d in probe.Devices.Where(d => !d.IsAgent))
        {
            _analytics.SetDevice(MachineId(d.Name, d.Uuid), d);
        }
        if (cursor is not null && cursor.InstanceId == instance)
        {
            _session = new Session(instance, cursor.NextSequence, agentDevices, types);
            Connected();
            return;
        }

        var entries = new List<OutboxEntry>();
        if (cursor is not null)
        {
            entries.Add(GapEntry(null, cursor.NextSequence, null, $"agent restarted: instanceId {cursor.InstanceId} -> {instance}; what it served after sequence {cursor.NextSequence - 1} is unknown"));
        }
        // Each machine's model record holds its own device, not the whole probe (a probe of 2,000 devices is not stored 2,000 times).
        var models = DeviceModelDocuments.Split(probeBytes);
        foreach (var d in probe.Devices.Where(d => !d.IsAgent))
        {
            var id = MachineId(d.Name, d.Uuid);
            entries.Add(new OutboxEntry("deviceModel", id, null, false, RecordPayloads.DeviceModel(id, d.Uuid, d.Name, models.GetValueOrDefault(id, ""))));
        }
        var (currentDoc, _) = await agent.GetAsync("current", ct).ConfigureAwait(false);
        var current = currentDoc as StreamsDocument ?? throw new InvalidDataException($"current answered a {currentDoc.Kind} document");
        var currentInstance = current.Header.InstanceId?.ToString(CultureInfo.InvariantCulture);
        if (currentInstance != instance)
        {
            throw new AgentRestartedException();
        }
        _session = new Session(instance, 0, agentDevices, types);
        var observations = AddObservations(current, entries, long.MinValue);
        var next = current.Header.NextSequence ?? throw new InvalidDataException("current has no nextSequence");
        outbox.Append(Key, new SourceCursor(instance, next, _analytics.Save()), entries);
        _session.Next = next;
        Received(observations, entries.Count(e => e.Kind == "gap"));
        Connected();
    }

    private void Connected()
    {
        _source.State = "connected";
        _analytics.Publish(state);
        _source.InstanceId = _session.InstanceId;
        _source.NextSequence = _session.Next;
        Log.Connected(log, Key, _session.InstanceId, _session.Next);
    }

    private static string MachineId(string? name, string? uuid) => name ?? uuid ?? "device";

    /// <summary>Per machine, each data item's type in the device model: the wire record's <c>type</c>.</summary>
    private static Dictionary<string, Dictionary<string, string>> TypesOf(DevicesDocument probe)
    {
        var types = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var d in probe.Devices.Where(d => !d.IsAgent))
        {
            var items = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in d.AllDataItems())
            {
                items.TryAdd(item.Id, item.Type);
            }
            types.TryAdd(MachineId(d.Name, d.Uuid), items);
        }
        return types;
    }

    private sealed class Session(string? instanceId, long next, HashSet<string> agentDevices, Dictionary<string, Dictionary<string, string>> types)
    {
        public string? InstanceId { get; } = instanceId;
        public long Next { get; set; } = next;
        public HashSet<string> AgentDevices { get; } = agentDevices;

        /// <summary>The type of a machine's data item in the probed device model; null when the model has no such item.</summary>
        public string? TypeOf(string machine, string dataItemId) =>
            types.TryGetValue(machine, out var items) ? items.GetValueOrDefault(dataItemId) : null;
    }

    private sealed class AgentRestartedException : Exception;

    private sealed class NotStreamingException(string message) : Exception(message);

    private sealed class SilenceException(string message) : Exception(message);
}
