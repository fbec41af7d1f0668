using System.Globalization;
using System.Collections.Concurrent;
using Mtc.Core.Analytics;
using Mtc.Edge.Uplink;

namespace Mtc.Edge.Status;

/// <summary>What the gateway is doing right now, shared by the collectors, the uplink and the local API.</summary>
internal sealed class EdgeState(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SourceState> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SetupMachine> _machines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MachineActivity> _activity = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MachineSnapshot> _snapshots = new(StringComparer.Ordinal);
    private int _machinesVersion;

    public DateTimeOffset Started { get; } = time.GetUtcNow();

    public UplinkState Uplink { get; } = new();

    public SourceState Source(string key, string kind, string address) =>
        _sources.GetOrAdd(key, k => new SourceState(k, kind, address, time.GetUtcNow()));

    public IReadOnlyCollection<SourceState> Sources => [.. _sources.Values.OrderBy(s => s.Key, StringComparer.Ordinal)];

    public IReadOnlyCollection<SetupMachine> Machines => [.. _machines.Values.OrderBy(m => m.Id, StringComparer.Ordinal)];

    /// <summary>What a machine sent lately (null before its first observation).</summary>
    public MachineActivity? Activity(string machineId) => _activity.GetValueOrDefault(machineId);

    /// <summary>Counts <paramref name="observations"/> of <paramref name="machineId"/>, received through <paramref name="source"/>.</summary>
    public void MachineData(string machineId, string source, int observations)
    {
        if (observations > 0)
        {
            _activity.GetOrAdd(machineId, _ => new MachineActivity()).Add(source, observations, time.GetUtcNow());
        }
    }

    /// <summary>What a machine is doing, as its analyzer saw it after the last batch its collector stored (null before the first).</summary>
    public MachineSnapshot? Snapshot(string machineId) => _snapshots.GetValueOrDefault(machineId);

    /// <summary>
    /// Publishes a machine's analyzer snapshot. A snapshot is an immutable record replaced as a whole, so a reader on another
    /// thread always gets one consistent copy.
    /// </summary>
    public void SetSnapshot(string machineId, MachineSnapshot snapshot) => _snapshots[machineId] = snapshot;

    /// <summary>Changes whenever a machine is added or renamed: the uplink registers again.</summary>
    public int MachinesVersion => Volatile.Read(ref _machinesVersion);

    public void SetMachine(SetupMachine machine)
    {
        var changed = false;
        _machines.AddOrUpdate(machine.Id, _ => { changed = true; return machine; }, (_, old) =>
        {
            changed = old != machine;
            return machine;
        });
        if (changed)
        {
            Interlocked.Increment(ref _machinesVersion);
        }
    }
}

/// <summary>
/// One collector's state. <see cref="LastData"/> is when the source last delivered something valid (a document, a
/// heartbeat, a well-formed line), not merely bytes or a successful connect: a source quiet for longer than
/// <see cref="SilenceLimit"/> is reported <c>failing</c> whatever its connection looks like.
/// </summary>
internal sealed class SourceState(string key, string kind, string address, DateTimeOffset since)
{
    public const string Failing = "failing";

    private long _observations;
    private long _gaps;

    public string Key { get; } = key;
    public string Kind { get; } = kind;
    public string Address { get; } = address;
    public volatile string State = "starting";
    public string? InstanceId { get; set; }
    public long NextSequence { get; set; }
    public DateTimeOffset? LastData { get; set; }
    public string? LastError { get; set; }
    public long MalformedLines { get; set; }

    /// <summary>When the collector began (the reference for <see cref="SilenceLimit"/> before any data).</summary>
    public DateTimeOffset Since { get; } = since;

    /// <summary>How long the source may deliver nothing valid before it is failing; zero: never.</summary>
    public TimeSpan SilenceLimit { get; set; }

    /// <summary>
    /// The state to show at <paramref name="now"/>, and why when it is not plainly connected: <c>failing</c> once nothing
    /// valid has arrived for the silence limit, with the last error, or the silence itself as the reason.
    /// </summary>
    public (string State, string? Error) Reported(DateTimeOffset now)
    {
        var state = State;
        var error = LastError;
        if (state is "stopped" || SilenceLimit <= TimeSpan.Zero)
        {
            return (state, error);
        }
        var quiet = now - (LastData ?? Since);
        if (quiet <= SilenceLimit)
        {
            return (state, error);
        }
        var silence = LastData is null
            ? string.Create(CultureInfo.InvariantCulture, $"no valid data since the edge started {quiet.TotalSeconds:0} s ago")
            : string.Create(CultureInfo.InvariantCulture, $"no valid data for {quiet.TotalSeconds:0} s");
        return (Failing, error is null ? silence : $"{error} ({silence})");
    }
    public long Observations => Interlocked.Read(ref _observations);
    public long Gaps => Interlocked.Read(ref _gaps);

    public void AddObservations(int n) => Interlocked.Add(ref _observations, n);

    /// <summary>A source delivered valid data: its counts grow, its error clears, its last data is now.</summary>
    public void Delivered(int observations, int gaps, DateTimeOffset now)
    {
        LastError = null;
        Interlocked.Add(ref _observations, observations);
        Interlocked.Add(ref _gaps, gaps);
        LastData = now;
    }
}

/// <summary>One machine's observations and when the last arrived.</summary>
internal sealed class MachineActivity
{
    private long _observations;

    public string Source { get; private set; } = "";
    public long Observations => Interlocked.Read(ref _observations);
    public DateTimeOffset? LastData { get; private set; }

    public void Add(string source, int n, DateTimeOffset at)
    {
        Interlocked.Add(ref _observations, n);
        Source = source;
        LastData = at;
    }
}

/// <summary>The uplink's state.</summary>
internal sealed class UplinkState
{
    private long _sent;
    private long _retried;
    private long _quarantined;

    public volatile string State = "starting";
    public DateTimeOffset? LastSuccess { get; set; }
    public string? LastError { get; set; }
    public long Hwm { get; set; }
    public TimeSpan? LastLatency { get; set; }
    public DateTimeOffset? NextAttempt { get; set; }

    /// <summary>When the current run of failed attempts began (null while deliveries succeed).</summary>
    public DateTimeOffset? FailingSince { get; set; }
    public string? SetupStatus { get; set; }
    public long BatchesSent => Interlocked.Read(ref _sent);
    public long BatchesRetried => Interlocked.Read(ref _retried);
    public long BatchesQuarantined => Interlocked.Read(ref _quarantined);

    public void Sent() => Interlocked.Increment(ref _sent);

    public void Retried() => Interlocked.Increment(ref _retried);

    public void Quarantined() => Interlocked.Increment(ref _quarantined);
}
