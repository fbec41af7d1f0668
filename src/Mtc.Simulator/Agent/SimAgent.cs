using Mtc.Simulator.Agent.Quirks;

namespace Mtc.Simulator.Agent;

/// <summary>
/// The state of one simulated MTConnect agent: devices, observation buffer, assets, and the faults a test
/// can inject (restart, stalled streams, dropped connections).
/// </summary>
internal sealed class SimAgent
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _connections = new();
    private DateTimeOffset _stalledUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _downUntil = DateTimeOffset.MinValue;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _assetTypes = new(StringComparer.Ordinal);
    private long _instanceId;

    public SimAgent(DeviceCatalog catalog, SchemaVersion version, int bufferSize, TimeProvider clock)
    {
        Catalog = catalog;
        Version = version;
        Clock = clock;
        // Milliseconds, not cppagent's seconds: a process restarted within the same second still gets a new instanceId.
        _instanceId = clock.GetUtcNow().ToUnixTimeMilliseconds();
        Buffer = new ObservationBuffer(bufferSize, _instanceId);
        ModelChangeTime = clock.GetUtcNow().UtcDateTime;
        AddUnavailable();
    }

    public DeviceCatalog Catalog { get; }

    /// <summary>How this agent differs from the reference agent where clients notice (<see cref="AgentQuirks.Cppagent"/>: not at all).</summary>
    public AgentQuirks Quirks { get; init; } = AgentQuirks.Cppagent;

    /// <summary>The devices <c>probe</c> lists (the agent device may be in the streams only; see <see cref="AgentQuirks.AgentDeviceOnlyInStreams"/>).</summary>
    public IEnumerable<DeviceModel> ProbeDevices => Catalog.Devices.Where(d => d.ListedInProbe);
    public SchemaVersion Version { get; }
    public TimeProvider Clock { get; }
    public ObservationBuffer Buffer { get; }
    public AssetStore Assets { get; } = new();
    public DateTime ModelChangeTime { get; }
    public string Sender { get; } = Environment.MachineName;

    /// <summary>Cancelled when connections are dropped or the agent restarts: every open stream ends.</summary>
    public CancellationToken ConnectionsToken
    {
        get
        {
            lock (_gate)
            {
                return _connections.Token;
            }
        }
    }

    public DateTime Now => Clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Simulates an agent restart: a new instanceId, an empty buffer from sequence 1, every data item
    /// UNAVAILABLE and then its last value again (the adapter reconnecting), all streams cut. For
    /// <paramref name="down"/> after it, every MTConnect request has its connection cut, as if the process were not
    /// back yet, while the sources go on filling the new instance's buffer.
    /// </summary>
    public long Restart(TimeSpan down = default)
    {
        var latest = Buffer.Current(null, null)!.Value.Observations;
        long instanceId;
        lock (_gate)
        {
            _instanceId = Math.Max(_instanceId + 1, Clock.GetUtcNow().ToUnixTimeMilliseconds());
            instanceId = _instanceId;
            _downUntil = Clock.GetUtcNow() + (down > TimeSpan.Zero ? down : TimeSpan.Zero);
        }

        Buffer.Reset(instanceId);
        Assets.Clear();
        DropConnections();
        AddUnavailable();
        var now = Now;
        Buffer.AddRange(latest
            .Where(e => !e.Observation.IsUnavailable)
            .Select(e => new SourceValue(e.Item, now, e.Observation.Value)
            {
                Level = e.Observation.Level,
                NativeCode = e.Observation.NativeCode,
                NativeSeverity = e.Observation.NativeSeverity,
                Qualifier = e.Observation.Qualifier,
                ConditionId = e.Observation.ConditionId,
                SampleCount = e.Observation.SampleCount,
                SampleRate = e.Observation.SampleRate,
                Entries = e.Observation.Entries,
                ResetTriggered = e.Observation.ResetTriggered,
            })
            .ToArray());
        return instanceId;
    }

    /// <summary>
    /// The type of the asset an ASSET_CHANGED or ASSET_REMOVED observation names, as its <c>assetType</c>:
    /// <c>UNAVAILABLE</c> for an unavailable value (as cppagent writes it) and an id the agent never held. Kept across
    /// restarts, which re-report the last values.
    /// </summary>
    public string AssetTypeOf(string? assetId) =>
        assetId is null || assetId == Mtc.Core.Model.Observation.UnavailableValue ? Mtc.Core.Model.Observation.UnavailableValue
            : _assetTypes.GetValueOrDefault(assetId) ?? Mtc.Core.Model.Observation.UnavailableValue;

    public void DropConnections()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            old = _connections;
            _connections = new CancellationTokenSource();
        }

        old.Cancel();
        old.Dispose();
    }

    /// <summary>Streams write nothing (no data, no heartbeat) until <paramref name="duration"/> has passed.</summary>
    public void Stall(TimeSpan duration)
    {
        lock (_gate)
        {
            _stalledUntil = Clock.GetUtcNow() + duration;
        }
    }

    /// <summary>True while a restart's down time lasts: requests are answered by cutting the connection.</summary>
    public bool IsDown
    {
        get
        {
            lock (_gate)
            {
                return Clock.GetUtcNow() < _downUntil;
            }
        }
    }

    public TimeSpan StallRemaining
    {
        get
        {
            lock (_gate)
            {
                var remaining = _stalledUntil - Clock.GetUtcNow();
                return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            }
        }
    }

    /// <summary>Stores an asset and reports it on the device's ASSET_CHANGED data item when it has one.</summary>
    public void PutAsset(SimAsset asset)
    {
        _assetTypes[asset.AssetId] = asset.AssetType;
        Assets.Put(asset);
        ReportAsset(asset, "ASSET_CHANGED");
    }

    public void RemoveAsset(string assetId, DateTime timestamp)
    {
        if (Assets.Remove(assetId, timestamp) is { } removed)
        {
            ReportAsset(removed, "ASSET_REMOVED");
        }
    }

    public void RemoveAllAssets(string? assetType, DateTime timestamp)
    {
        foreach (var removed in Assets.RemoveAll(assetType, timestamp))
        {
            ReportAsset(removed, "ASSET_REMOVED");
        }
    }

    private void ReportAsset(SimAsset asset, string type)
    {
        var device = Catalog.Devices.FirstOrDefault(d => string.Equals(d.Uuid, asset.DeviceUuid, StringComparison.Ordinal));
        var item = device?.DataItems.FirstOrDefault(i => string.Equals(i.Type, type, StringComparison.Ordinal));
        if (item is not null)
        {
            Buffer.Add(new SourceValue(item, asset.Timestamp, asset.AssetId));
        }
    }

    private void AddUnavailable()
    {
        var now = Now;
        Buffer.AddRange(Catalog.DataItems
            .Select(i => SourceValue.Unavailable(i, now))
            .ToArray());
    }
}
