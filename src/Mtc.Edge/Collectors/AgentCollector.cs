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
                    streaming = await StreamUntilFailureAsync(ct).ConfigureAwait(false);
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

    /// <summary>
    /// Streams from the cursor, request after request, until one fails (it throws) or the agent cannot stream (returns
    /// false: poll instead). An idle agent's "nothing new" is asked again after <c>PollInterval</c>; a stream the agent ended is
    /// asked again after the reconnect backoff (so an agent that ends every stream at once is not stormed); a stream that
    /// left out sequences the agent still holds is caught up by polling before streaming again.
    /// </summary>
    private async Task<bool> StreamUntilFailureAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            StreamEnd end;
            try
            {
                end = await StreamAsync(ct).ConfigureAwait(false);
            }
            catch (NotStreamingException e)
            {
                Log.Polling(log, Key, e.Message);
                return false;
            }
            switch (end)
            {
                case StreamEnd.SkippedAhead:
                    Log.StreamSkipped(log, Key, _session.Next);
                    await CatchUpAsync(ct).ConfigureAwait(false);
                    break;
                case StreamEnd.Idle:
                    await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
                    break;
                default:
                    _source.State = "reconnecting";
                    await Task.Delay(_reconnect.Next(), time, ct).ConfigureAwait(false);
                    _source.State = "connected";
                    break;
            }
        }
        return true;
    }

    /// <summary>
    /// Probe; then continue from the stored cursor. On a first start, collection starts from <c>current</c>; when the agent
    /// restarted (a new <c>instanceId</c>), the new instance is collected from its <c>firstSequence</c> (everything it still
    /// holds) and a gap record says that what the old instance served after the cursor is unknown.
    /// </summary>
    private async Task ConnectAsync(CancellationToken ct)
    {
        _source.State = "connecting";
        var (probeDoc, probeBytes) = await agent.GetAsync("probe", ct).ConfigureAwait(false);
        var probe = probeDoc as DevicesDocument ?? throw new InvalidDataException($"probe answered a {probeDoc.Kind} document");
        var instance = probe.Header.InstanceId?.ToString(CultureInfo.InvariantCulture);
        var machines = probe.Devices.Where(d => !d.IsAgent).ToList();
        var agentDevices = probe.Devices.Where(d => d.IsAgent).Select(d => d.Name ?? "").ToHashSet(StringComparer.Ordinal);
        var types = TypesOf(probe);
        foreach (var d in machines)
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
        foreach (var d in machines)
        {
            _analytics.SetDevice(MachineId(d.Name, d.Uuid), d);
        }
        var machineIds = machines.Select(d => MachineId(d.Name, d.Uuid)).Distinct(StringComparer.Ordinal).ToList();
        if (cursor is not null && WireInstance.AgentPart(cursor.InstanceId) == instance)
        {
            _session = new Session(instance, cursor.InstanceId, cursor.NextSequence, agentDevices, machineIds, types);
            Connected();
            return;
        }

        var (currentDoc, _) = await agent.GetAsync("current", ct).ConfigureAwait(false);
        var current = currentDoc as StreamsDocument ?? throw new InvalidDataException($"current answered a {currentDoc.Kind} document");
        if (current.Header.InstanceId?.ToString(CultureInfo.InvariantCulture) != instance)
        {
            throw new AgentRestartedException();
        }
        _session = new Session(instance, instance, 0, agentDevices, machineIds, types);
        var entries = new List<OutboxEntry>();
        if (cursor is not null)
        {
            entries.Add(GapEntry(null, cursor.NextSequence, null, cursor.InstanceId,
                $"agent restarted: instanceId {WireInstance.AgentPart(cursor.InstanceId)} -> {instance}; what the old instance served after sequence {cursor.NextSequence - 1} is unknown"));
        }
        // Each machine's model record holds its own device, not the whole probe (a probe of 2,000 devices is not stored 2,000 times).
        var models = DeviceModelDocuments.Split(probeBytes);
        foreach (var d in machines)
        {
            var id = MachineId(d.Name, d.Uuid);
            entries.Add(new OutboxEntry("deviceModel", id, null, false, RecordPayloads.DeviceModel(id, d.Uuid, d.Name, models.GetValueOrDefault(id, ""))));
        }
        long next;
        var observations = 0;
        if (cursor is null)
        {
            // First start: the snapshot, then what follows it.
            observations = AddObservations(current, entries, long.MinValue);
            next = current.Header.NextSequence ?? throw new InvalidDataException("current has no nextSequence");
        }
        else
        {
            next = StartOfNewInstance(current, entries);
        }
        outbox.Append(Key, new SourceCursor(_session.InstanceId, next, Machines: _analytics.SaveChanges()), entries);
        _session.Next = next;
        Received(observations, entries.Count(e => e.Kind == "gap"));
        Connected();
    }

    /// <summary>
    /// Where a new instance is collected from: its <c>firstSequence</c>, so nothing it still holds is skipped. Sequences start
    /// at 1 in a new instance; those its buffer already dropped are a gap of the new instance with their exact count.
    /// </summary>
    private long StartOfNewInstance(StreamsDocument current, List<OutboxEntry> entries)
    {
        var first = current.Header.FirstSequence ?? current.Header.NextSequence ?? throw new InvalidDataException("current has no firstSequence");
        if (first < 1)
        {
            return 1;
        }
        if (first > 1 && current.Header.NextSequence is { } n && first <= n)
        {
            entries.Add(GapEntry(first - 1, 1, first - 1, _session.InstanceId, "the new agent instance's buffer had already dropped its first sequences"));
        }
        return first;
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

    /// <param name="agentInstanceId">The agent's <c>instanceId</c>, as its headers say.</param>
    /// <param name="instanceId">The instance on the wire: the agent's, or with an epoch when its sequence reset without a new
    /// instanceId (<see cref="WireInstance"/>).</param>
    private sealed class Session(
        string? agentInstanceId, string? instanceId, long next, HashSet<string> agentDevices, IReadOnlyList<string> machines,
        Dictionary<string, Dictionary<string, string>> types)
    {
        public string? AgentInstanceId { get; } = agentInstanceId;
        public string? InstanceId { get; set; } = instanceId;
        public long Next { get; set; } = next;
        public HashSet<string> AgentDevices { get; } = agentDevices;

        /// <summary>The machines of the probe: what an agent-wide gap concerns.</summary>
        public IReadOnlyList<string> Machines { get; } = machines;

        /// <summary>
        /// A device stream that is not a machine: the Agent device of the probe, or a stream named <c>Agent</c> that the probe
        /// left out (MTConnect.NET at schema 1.3 serves its Agent device in streams only).
        /// </summary>
        public bool IsAgentStream(string? name, bool inProbe) =>
            AgentDevices.Contains(name ?? "") || (!inProbe && string.Equals(name, "Agent", StringComparison.OrdinalIgnoreCase));

        /// <summary>Whether a machine of that id is in the probed device model.</summary>
        public bool InProbe(string machine) => types.ContainsKey(machine);

        /// <summary>The type of a machine's data item in the probed device model; null when the model has no such item.</summary>
        public string? TypeOf(string machine, string dataItemId) =>
            types.TryGetValue(machine, out var items) ? items.GetValueOrDefault(dataItemId) : null;
    }

    private sealed class AgentRestartedException : Exception;

    private sealed class NotStreamingException(string message) : Exception(message);

    private sealed class SilenceException(string message) : Exception(message);
}
