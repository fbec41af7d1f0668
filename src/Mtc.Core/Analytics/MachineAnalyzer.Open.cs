namespace Mtc.Core.Analytics;

// Open events: what is running now (status interval, cycle, setups, alarms), announced once with no end so a reader
// sees the current state before it ends. The closed event later has the same id and replaces it.
public sealed partial class MachineAnalyzer
{
    /// <summary>
    /// Events that are open now and were not announced yet, each with <see cref="MachineEvent.End"/> null and
    /// <see cref="MachineEvent.Ongoing"/> true (its seconds count up to the announcement): the status
    /// interval, the running cycle, open setups and alarms. An event is announced once it has lasted past the instant it
    /// opened (the clock moved on), because until then it may still change into another (several observations at one
    /// instant settle on one status) or be closed at once. The announcement is part of the state
    /// (<see cref="SaveState"/>), so across a save and restore each open event is announced exactly once. Its closed
    /// version comes later through <see cref="TakeEvents"/> with the same id. Cycles of counter-only machines are known
    /// only when the next increment ends them and are never announced. An offline analysis does not need this.
    /// </summary>
    public IReadOnlyList<MachineEvent> TakeOpenEvents()
    {
        if (!_s.Started || _s.Finished)
        {
            return [];
        }

        List<MachineEvent>? opened = null;
        if (_s.Status is { } status && Due(status))
        {
            Add(ref opened, StatusEvent(status, null, _s.Ticks, ongoing: true));
        }

        if (_s.Cycle is { Suspended: false } cycle && Due(cycle.Origin))
        {
            var active = cycle.ActiveTicks + (cycle.Execution == Execution.Active && !cycle.InAlarm ? _s.Ticks - cycle.ExecutionSinceTicks : 0);
            Add(ref opened, CycleEvent(cycle, null, _s.Ticks, active, null, ongoing: true));
        }

        if (_s.DeclaredSetup is { } declared && Due(declared))
        {
            Add(ref opened, SetupEvent(declared, SetupSource.Declared, null, _s.Ticks, ongoing: true));
        }

        if (_s.DerivedSetup is { } derived && Due(derived))
        {
            Add(ref opened, SetupEvent(derived, SetupSource.Derived, null, _s.Ticks, ongoing: true));
        }

        foreach (var alarm in _s.Alarms)
        {
            if (Due(alarm.Origin))
            {
                Add(ref opened, AlarmEvent(alarm, null, ongoing: true));
            }
        }

        return opened ?? (IReadOnlyList<MachineEvent>)[];
    }

    /// <summary>True (and marks it) when the interval has lasted and was not announced yet.</summary>
    private bool Due(OpenInterval interval)
    {
        if (interval.Announced || interval.StartTicks >= _s.Ticks)
        {
            return false;
        }

        interval.Announced = true;
        return true;
    }

    private static void Add(ref List<MachineEvent>? list, MachineEvent e) => (list ??= []).Add(e);
}
