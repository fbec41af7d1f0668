using System.Globalization;

namespace Mtc.Core.Analytics;

// Part counts: deltas of the counter, a drop is a reset counted from zero. With control data the parts
// belong to the running cycle (or to the one that just ended); on counter-only machines the increments
// themselves delimit the cycles.
public sealed partial class MachineAnalyzer
{
    private void OnPartCount(string? value)
    {
        if (!TryParseCount(value, out var counter))
        {
            _s.PartCounterLive = false;
            return;
        }

        _s.PartCounterLive = true;
        _s.PartCounterLiveOrder = _s.Observations;
        var previous = _s.PartCounter;
        _s.PartCounter = counter;
        if (previous is not { } last || counter == last)
        {
            return;
        }

        var reset = counter < last;
        var delta = reset ? counter : counter - last;
        if (delta <= 0)
        {
            return;
        }

        _s.TotalParts += delta;
        _s.Pending.Add(new PartsProduced
        {
            Id = EventId(_s.InstanceId, _seq, MachineEventType.Part),
            Start = _s.Clock,
            End = _s.Clock,
            InstanceId = _s.InstanceId,
            StartSequence = _seq,
            Count = delta,
            Counter = counter,
            Reset = reset,
        });

        if (_items.CounterOnly)
        {
            OnCounterIncrement(delta);
        }
        else
        {
            AttributeParts(delta);
        }
    }

    private static bool TryParseCount(string? value, out long count)
    {
        count = 0;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out count))
        {
            return count >= 0;
        }

        // Some adapters send counts as decimals ("12.0").
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && number >= 0 && number < long.MaxValue && Math.Floor(number) == number)
        {
            count = (long)number;
            return true;
        }

        return false;
    }

    private void AttributeParts(long delta)
    {
        // A part counted in the ACTIVE's timestamp group belongs to the cycle that ACTIVE opens.
        DecidePendingCycle();
        if (_s.Cycle is { Suspended: false } cycle)
        {
            Accrue(cycle);
            if (cycle.Parts == 0)
            {
                cycle.Parts = delta;
                cycle.PartAt = _s.Clock;
                cycle.PartTicks = _s.Ticks;
                cycle.PartSequence = _seq;
                cycle.PartInstance = _s.InstanceId;
                cycle.ActiveTicksAtPart = cycle.ActiveTicks;
                return;
            }

            // A second increment in one run (a program looping on M99): the cycle ended at its first part
            // and the next one began there.
            var next = new OpenCycle
            {
                Origin = new OpenInterval { Kind = "cycle", Start = cycle.PartAt, StartTicks = cycle.PartTicks, StartSequence = cycle.PartSequence, InstanceId = cycle.PartInstance },
                Program = cycle.Program,
                StartObserved = true,
                Execution = cycle.Execution,
                ExecutionSinceTicks = _s.Ticks,
                ActiveTicks = cycle.ActiveTicks - cycle.ActiveTicksAtPart,
                Parts = delta,
                PartAt = _s.Clock,
                PartTicks = _s.Ticks,
                PartSequence = _seq,
                PartInstance = _s.InstanceId,
            };
            next.ActiveTicksAtPart = next.ActiveTicks;
            cycle.ActiveTicks = cycle.ActiveTicksAtPart;
            CloseCycle(cycle, CycleCompletion.Completed, cycle.PartAt, cycle.PartTicks, ongoing: false);
            _s.Cycle = next;
            return;
        }

        if (_s.HeldCycle is { } held && held.Completion != CycleCompletion.Partial)
        {
            // Controls often count the part just after the cycle ends.
            _s.HeldCycle = null;
            EmitCycle(held with { Parts = held.Parts + delta, Completion = CycleCompletion.Completed });
        }
    }

    private void OnCounterIncrement(long delta)
    {
        if (_s.CounterActive && !_s.CounterSuspended)
        {
            var ticks = _s.Ticks - _s.LastIncrementTicks;
            EmitCycle(new MachineCycle
            {
                Id = EventId(_s.LastIncrementInstance, _s.LastIncrementSequence, MachineEventType.Cycle),
                Start = _s.LastIncrement,
                End = _s.Clock,
                InstanceId = _s.LastIncrementInstance,
                StartSequence = _s.LastIncrementSequence,
                DurationSeconds = Seconds(ticks),
                ActiveSeconds = Seconds(ticks),
                InterruptedSeconds = 0,
                Program = _s.Program,
                Parts = delta,
                Completion = CycleCompletion.Completed,
            });
        }

        _s.CounterActive = true;
        _s.CounterSuspended = false;
        _s.LastIncrement = _s.Clock;
        _s.LastIncrementTicks = _s.Ticks;
        _s.LastIncrementSequence = _seq;
        _s.LastIncrementInstance = _s.InstanceId;
    }
}
