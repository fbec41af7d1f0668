using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Analytics;

/// <summary>
/// The analytics of one machine: feed it the device's observations in stream order (<see cref="Observe"/>),
/// take what it derived (<see cref="TakeEvents"/>), read its current state (<see cref="Snapshot"/>).
/// Deterministic: the same observations give the same events with the same ids, in one pass or split at any
/// point with <see cref="SaveState"/> and <see cref="Restore"/> in between. Not thread-safe; one per machine.
/// The rules are in docs/tools.md (`mtc analyze`).
/// </summary>
public sealed partial class MachineAnalyzer
{
    private readonly MachineDataItems _items;
    private readonly AnalyticsOptions _options;
    private readonly AnalyzerState _s;
    private long _seq;

    public MachineAnalyzer(Device device, AnalyticsOptions? options = null)
        : this(device, options, null)
    {
    }

    private MachineAnalyzer(Device device, AnalyticsOptions? options, AnalyzerState? state)
    {
        ArgumentNullException.ThrowIfNull(device);
        _options = options ?? AnalyticsOptions.Default;
        _options.Validate();
        _items = new MachineDataItems(device);
        var key = device.Uuid ?? device.Name ?? device.Id ?? "device";
        if (state is not null && !string.Equals(state.DeviceKey, key, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The saved state belongs to device '{state.DeviceKey}', not '{key}'.", nameof(state));
        }

        _s = state ?? new AnalyzerState { DeviceKey = key };
    }

    /// <summary>The device key used in event ids: its uuid, else its name, else its id.</summary>
    public string DeviceKey => _s.DeviceKey;

    /// <summary>True when the device has a part count but no execution: cycles come from the counter alone.</summary>
    public bool CounterOnly => _items.CounterOnly;

    /// <summary>Observations ignored because their sequence was not after the last one of the same agent instance.</summary>
    public long Duplicates => _s.Duplicates;

    public long Observations => _s.Observations;

    /// <summary>Continues from a state saved by <see cref="SaveState"/> for the same device.</summary>
    /// <exception cref="FormatException">The state is not one this version wrote.</exception>
    public static MachineAnalyzer Restore(Device device, string stateJson, AnalyticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stateJson);
        AnalyzerState? state;
        try
        {
            state = JsonSerializer.Deserialize(stateJson, AnalyticsJsonContext.Default.AnalyzerState);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Analytics state is not valid JSON: {ex.Message}", ex);
        }

        if (state is null || state.Version != AnalyzerState.CurrentVersion)
        {
            throw new FormatException($"Analytics state version {state?.Version} is not {AnalyzerState.CurrentVersion}.");
        }

        return new MachineAnalyzer(device, options, state);
    }

    /// <summary>The whole state as JSON, including derived events not yet taken.</summary>
    public string SaveState() => JsonSerializer.Serialize(_s, AnalyticsJsonContext.Default.AnalyzerState);

    /// <summary>Derived events since the last call, in the order they were derived.</summary>
    public IReadOnlyList<MachineEvent> TakeEvents()
    {
        if (_s.Pending.Count == 0)
        {
            return [];
        }

        var taken = _s.Pending.ToArray();
        _s.Pending.Clear();
        return taken;
    }

    /// <summary>
    /// One observation of this device, in stream order. <paramref name="instanceId"/> is the agent's
    /// instanceId (null for sources without one); a change means the agent restarted and its sequences reset.
    /// Observations of data items the rules do not read still move the clock.
    /// </summary>
    public void Observe(Observation observation, string? instanceId = null)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (_s.Finished)
        {
            throw new InvalidOperationException("The analysis was finished; create or restore another analyzer.");
        }

        var restarted = _s.Started && !string.Equals(instanceId, _s.InstanceId, StringComparison.Ordinal);
        if (restarted)
        {
            _s.LastSequence = 0;
        }

        _s.InstanceId = instanceId;
        if (observation.Sequence > 0)
        {
            if (observation.Sequence <= _s.LastSequence)
            {
                _s.Duplicates++;
                return;
            }

            _s.LastSequence = observation.Sequence;
        }

        _s.Observations++;
        _seq = observation.Sequence > 0 ? observation.Sequence : _s.Observations;
        _s.CurrentSequence = _seq;
        if (observation.Timestamp != default && observation.Timestamp != _s.GroupTime)
        {
            EndGroup();
            _s.GroupTime = observation.Timestamp;
        }

        AdvanceClock(observation.Timestamp, observation.IsUnavailable);
        if (restarted)
        {
            // Agent restart: whether the cycle went on while it was down is known only from what comes back.
            SuspendCycle();
        }

        if (_items.TryGetRole(observation.DataItemId, out var role))
        {
            Apply(role, observation);
        }

        UpdateStatus(_s.Ticks, _s.Clock);
    }

    /// <summary>
    /// The input ended: closes what is open at the last observation's time. Open cycles end as partial;
    /// open alarms, setups and the last status interval are emitted with <see cref="MachineEvent.Ongoing"/>.
    /// The edge never calls this (its machines go on); an offline analysis does.
    /// </summary>
    public void Finish()
    {
        if (_s.Finished || !_s.Started)
        {
            _s.Finished = true;
            return;
        }

        _seq = _s.CurrentSequence;
        EndGroup();
        if (_s.Cycle is { } cycle)
        {
            _s.Cycle = null;
            if (cycle.Suspended)
            {
                CloseCycle(cycle, CycleCompletion.Partial, cycle.SuspendedAt, cycle.SuspendedTicks, ongoing: false);
            }
            else
            {
                Accrue(cycle);
                CloseCycle(cycle, CycleCompletion.Partial, _s.Clock, _s.Ticks, ongoing: true);
            }
        }

        EmitHeldCycle();
        foreach (var alarm in _s.Alarms)
        {
            EmitAlarm(alarm, ongoing: true);
        }

        _s.Alarms.Clear();
        if (_s.DeclaredSetup is { } declared)
        {
            EmitSetup(declared, SetupSource.Declared, _s.Clock, _s.Ticks, ongoing: true);
            _s.DeclaredSetup = null;
        }

        if (_s.DerivedSetup is { } derived)
        {
            EmitSetup(derived, SetupSource.Derived, _s.Clock, _s.Ticks, ongoing: true);
            _s.DerivedSetup = null;
        }

        if (_s.Status is { } status)
        {
            // Kept (not cleared) so the snapshot still shows the last status.
            EmitStatus(status, _s.Clock, _s.Ticks, ongoing: true);
        }

        _s.Finished = true;
    }

    private void Apply(DataItemRole role, Observation o)
    {
        switch (role)
        {
            case DataItemRole.Execution:
                OnExecution(Live(o.Value) ?? Observation.UnavailableValue);
                break;
            case DataItemRole.ControllerMode:
                OnControllerMode(Live(o.Value));
                break;
            case DataItemRole.FunctionalMode:
                OnFunctionalMode(Live(o.Value));
                break;
            case DataItemRole.Availability:
                _s.Availability = o.Value;
                _s.AvailabilityOrder = _s.Observations;
                break;
            case DataItemRole.PartCount:
                OnPartCount(o.Value);
                break;
            case DataItemRole.Program:
                OnProgram(Live(o.Value));
                break;
            case DataItemRole.ProgramComment:
                _s.ProgramComment = Live(o.Value);
                break;
            case DataItemRole.EmergencyStop:
                _s.EmergencyStop = Live(o.Value);
                break;
            case DataItemRole.Condition:
                OnCondition(o);
                break;
        }
    }

    /// <summary>The value, or null for UNAVAILABLE and empty values.</summary>
    private static string? Live(string? value) =>
        string.IsNullOrWhiteSpace(value) || value == Observation.UnavailableValue ? null : value.Trim();

    private string EventId(string? instanceId, long sequence, string kind) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_s.DeviceKey}:{instanceId ?? "0"}:{sequence}:{kind}");

    private static double Seconds(long ticks) => ticks / (double)TimeSpan.TicksPerSecond;

    private OpenInterval OpenHere(string kind) => new()
    {
        Kind = kind,
        Start = _s.Clock,
        StartTicks = _s.Ticks,
        StartSequence = _seq,
        InstanceId = _s.InstanceId,
    };
}
