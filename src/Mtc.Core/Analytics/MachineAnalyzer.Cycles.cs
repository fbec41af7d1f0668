namespace Mtc.Core.Analytics;

// Cycles from control data: EXECUTION edges, program changes and part-count increments.
public sealed partial class MachineAnalyzer
{
    private void OnExecution(string value)
    {
        var previous = _s.Execution;
        if (value == previous)
        {
            return;
        }

        // Execution moves on within the ACTIVE's timestamp group (a replay or a buffer played at once): the cycle is
        // decided on what the group has shown so far, so a whole cycle inside one group is still counted.
        DecidePendingCycle();
        _s.Execution = value;
        _s.PendingCycle = null;
        if (value == Model.Observation.UnavailableValue)
        {
            _s.ExecutionGap = true;
            SuspendCycle();
            return;
        }

        // The last ACTIVE or stopped value, looking through holds: READY → INTERRUPTED → ACTIVE is a seen start.
        var settled = _s.SettledExecution;
        var gap = _s.ExecutionGap;
        if (value == Execution.Active || Execution.EndsCycle(value))
        {
            _s.SettledExecution = value;
            _s.ExecutionGap = false;
        }

        _s.ExecutionLiveOrder = _s.Observations;
        var cycle = _s.Cycle;
        if (cycle is { Suspended: true })
        {
            if (!Execution.EndsCycle(value) && cycle.Program == _s.Program && _s.Clock >= cycle.Origin.Start)
            {
                // Back with the same program still running: the same cycle goes on (unless the clock is now behind its start).
                cycle.Suspended = false;
                cycle.Execution = value;
                cycle.ExecutionSinceTicks = _s.Ticks;
                return;
            }

            _s.Cycle = null;
            CloseCycle(cycle, CycleCompletion.Partial, cycle.SuspendedAt, cycle.SuspendedTicks, ongoing: false);
            cycle = null;
        }

        if (cycle is not null)
        {
            Accrue(cycle);
            if (!Execution.EndsCycle(value))
            {
                cycle.Execution = value;
                return;
            }

            _s.Cycle = null;
            var completion = value == Execution.Stopped && cycle.Parts == 0 ? CycleCompletion.Aborted : CycleCompletion.Completed;
            CloseCycle(cycle, completion, _s.Clock, _s.Ticks, ongoing: false);
            return;
        }

        if (value == Execution.Active)
        {
            // Seen leaving a stopped state: the start was observed. From nothing or across UNAVAILABLE it was not.
            // Whether it opens is decided at the end of the timestamp group: its mode and program may come after it.
            _s.PendingCycle = new PendingCycleStart
            {
                Origin = OpenHere("cycle"),
                StartObserved = settled is not null && Execution.EndsCycle(settled) && !gap,
            };
        }
    }

    private void OnControllerMode(string? value)
    {
        _s.ControllerMode = value;
        OpenPendingCycle(endOfGroup: false);
    }

    /// <summary>
    /// Opens the cycle that execution ACTIVE asked for, once a program is loaded outside the manual modes: at the end of
    /// its timestamp group, or when the program or mode arrives while execution is still ACTIVE (within
    /// <see cref="AnalyticsOptions.CycleStartWindow"/> it starts at the ACTIVE; later, there, as a partial cycle).
    /// </summary>
    private void OpenPendingCycle(bool endOfGroup)
    {
        if (_s.PendingCycle is not { } pending || _s.Cycle is not null || _s.Execution != Execution.Active || !CanOpenCycle())
        {
            return;
        }

        _s.PendingCycle = null;
        if (endOfGroup || _s.Ticks - pending.Origin.StartTicks <= _options.CycleStartWindow.Ticks)
        {
            OpenCycle(pending.Origin, pending.StartObserved);
        }
        else
        {
            OpenCycle(OpenHere("cycle"), startObserved: false);
        }
    }

    /// <summary>The end of a timestamp group (the next observation has another timestamp, or the input ended).</summary>
    private void EndGroup() => DecidePendingCycle();

    /// <summary>
    /// Decides a pending cycle start on what is known now: at the end of its timestamp group, or earlier when something
    /// the cycle is made of (an execution change, a part) comes within the group.
    /// </summary>
    private void DecidePendingCycle()
    {
        if (_s.PendingCycle is null)
        {
            return;
        }

        OpenPendingCycle(endOfGroup: true);
        UpdateStatus(_s.Ticks, _s.Clock);
    }

    private void OnProgram(string? value)
    {
        if (value is null || value == _s.Program)
        {
            return;
        }

        var previous = _s.Program;
        _s.Program = value;
        if (previous is null)
        {
            OpenPendingCycle(endOfGroup: false);
            return;
        }

        if (_s.Cycle is { Suspended: false, Parts: 0 } opened && _s.Ticks - opened.Origin.StartTicks <= _options.CycleStartWindow.Ticks)
        {
            // The program arrived just after the ACTIVE that opened the cycle: it names that cycle.
            opened.Program = value;
        }
        else if (_s.Cycle is { } cycle)
        {
            _s.Cycle = null;
            if (cycle.Suspended)
            {
                CloseCycle(cycle, CycleCompletion.Partial, cycle.SuspendedAt, cycle.SuspendedTicks, ongoing: false);
            }
            else
            {
                Accrue(cycle);
                CloseCycle(cycle, cycle.Parts > 0 ? CycleCompletion.Completed : CycleCompletion.Aborted, _s.Clock, _s.Ticks, ongoing: false);
                if (_s.Execution == Execution.Active)
                {
                    TryOpenCycle(startObserved: true);
                }
            }
        }

        if (_options.DeriveSetups && _s.DerivedSetup is null && Execution.IsSetupMode(_s.ControllerMode))
        {
            _s.DerivedSetup = OpenHere("setup.derived");
            _s.DerivedSetup.Program = value;
        }
    }

    private bool CanOpenCycle() =>
        !(_items.Has.Contains(DataItemRole.Program) && _s.Program is null) && !Execution.IsManualMode(_s.ControllerMode);

    private void TryOpenCycle(bool startObserved)
    {
        if (CanOpenCycle())
        {
            OpenCycle(OpenHere("cycle"), startObserved);
        }
    }

    private void OpenCycle(OpenInterval origin, bool startObserved)
    {
        EmitHeldCycle();
        _s.Cycle = new OpenCycle
        {
            Origin = origin,
            Program = _s.Program,
            StartObserved = startObserved,
            Execution = Execution.Active,
            ExecutionSinceTicks = origin.StartTicks,
        };
        if (_s.DerivedSetup is not null)
        {
            _s.DerivedSetupPendingCycle = CycleId(_s.Cycle.Origin);
        }
    }

    /// <summary>The source went away (UNAVAILABLE, agent restart, clock reset): the cycle waits for what comes back.</summary>
    private void SuspendCycle()
    {
        _s.PendingCycle = null;
        if (_s.Cycle is { Suspended: false } cycle)
        {
            Accrue(cycle);
            cycle.Suspended = true;
            cycle.SuspendedAt = _s.Clock;
            cycle.SuspendedTicks = _s.Ticks;
        }
    }

    private void Accrue(OpenCycle cycle)
    {
        if (cycle.Execution == Execution.Active && !cycle.InAlarm)
        {
            cycle.ActiveTicks += _s.Ticks - cycle.ExecutionSinceTicks;
        }

        cycle.ExecutionSinceTicks = _s.Ticks;
    }

    private string CycleId(OpenInterval origin) => EventId(origin.InstanceId, origin.StartSequence, MachineEventType.Cycle);

    /// <summary>Closes a cycle (already detached from the state and accrued) and holds it for late parts.</summary>
    private void CloseCycle(OpenCycle cycle, string completion, DateTime end, long endTicks, bool ongoing)
    {
        var closed = CycleEvent(cycle, end, endTicks, cycle.ActiveTicks, cycle.StartObserved ? completion : CycleCompletion.Partial, ongoing);

        if (_s.DerivedSetupPendingCycle == closed.Id)
        {
            _s.DerivedSetupPendingCycle = null;
            if (closed.Completion == CycleCompletion.Completed && _s.DerivedSetup is { } setup)
            {
                // A cycle that started at an ACTIVE just before the setup's program change ends the setup where it began.
                var (setupEnd, setupEndTicks) = cycle.Origin.StartTicks >= setup.StartTicks ? (cycle.Origin.Start, cycle.Origin.StartTicks) : (setup.Start, setup.StartTicks);
                EmitSetup(setup, SetupSource.Derived, setupEnd, setupEndTicks, ongoing: false);
                _s.DerivedSetup = null;
            }
        }

        EmitHeldCycle();
        _s.HeldCycle = closed;
        _s.HeldCycleEndTicks = endTicks;
    }

    /// <summary>The cycle as an event; <paramref name="end"/> and <paramref name="completion"/> null while it is open (duration then counts up to <paramref name="endTicks"/>).</summary>
    private MachineCycle CycleEvent(OpenCycle cycle, DateTime? end, long endTicks, long activeTicks, string? completion, bool ongoing)
    {
        var duration = endTicks - cycle.Origin.StartTicks;
        return new MachineCycle
        {
            Id = CycleId(cycle.Origin),
            Start = cycle.Origin.Start,
            End = end,
            InstanceId = cycle.Origin.InstanceId,
            StartSequence = cycle.Origin.StartSequence,
            Ongoing = ongoing,
            DurationSeconds = Seconds(duration),
            ActiveSeconds = Seconds(activeTicks),
            InterruptedSeconds = Seconds(duration - activeTicks),
            Program = cycle.Program,
            Parts = cycle.Parts,
            Completion = completion,
        };
    }

    private void EmitHeldCycle()
    {
        if (_s.HeldCycle is { } held)
        {
            _s.HeldCycle = null;
            EmitCycle(held);
        }
    }

    private void EmitCycle(MachineCycle cycle)
    {
        _s.Pending.Add(cycle);
        _s.LastCycle = cycle;
        if (cycle.Completion == CycleCompletion.Completed)
        {
            _s.RecentCycleSeconds.Add(cycle.DurationSeconds);
            if (_s.RecentCycleSeconds.Count > _options.RecentCycles)
            {
                _s.RecentCycleSeconds.RemoveAt(0);
            }
        }
    }
}
