namespace Mtc.Core.Analytics;

// The analytics clock. Counted time only moves forward: status seconds, cycle durations and the time the
// input spans are all measured on it, so they add up exactly.
public sealed partial class MachineAnalyzer
{
    private void AdvanceClock(DateTime timestamp)
    {
        if (timestamp == default && _s.Started)
        {
            return; // no timestamp at all: the observation happens at the clock
        }

        if (!_s.Started)
        {
            _s.Started = true;
            _s.Clock = timestamp;
            _s.TimelineStart = timestamp;
            return;
        }

        if (timestamp > _s.Clock)
        {
            var step = timestamp - _s.Clock;
            if (_s.Opening && step > _options.OpeningGap)
            {
                // Still reading last-known values stamped when they last changed: state, not time.
                Reanchor(timestamp);
                return;
            }

            _s.Opening = false;
            AdvanceTo(_s.Ticks + step.Ticks);
            _s.Ticks += step.Ticks;
            _s.Clock = timestamp;
        }
        else if (_s.Clock - timestamp > _options.BackwardJumpTolerance)
        {
            // An agent's current values come in sequence order, not time order: in the opening snapshot a
            // step back is only an older last-known value.
            if (_s.Opening)
            {
                Reanchor(timestamp);
            }
            else
            {
                ResetClock(timestamp);
            }
        }

        // A small step back is jitter between clocks: the clock holds.
    }

    /// <summary>Time-driven rules between the last observation and the one being applied.</summary>
    private void AdvanceTo(long ticks)
    {
        if (_items.CounterOnly && _s.CounterActive)
        {
            var idleAt = _s.LastIncrementTicks + _options.CounterIdleAfter.Ticks;
            if (idleAt <= ticks)
            {
                _s.CounterActive = false;
                var wall = _s.Clock + TimeSpan.FromTicks(idleAt - _s.Ticks);
                UpdateStatus(idleAt, wall);
            }
        }

        if (_s.HeldCycle is not null && _s.HeldCycleEndTicks + _options.PartAttributionWindow.Ticks < ticks)
        {
            EmitHeldCycle();
        }
    }

    private void Reanchor(DateTime timestamp)
    {
        _s.Clock = timestamp;
        _s.TimelineStart = timestamp;
        var open = new List<OpenInterval?> { _s.Status, _s.Cycle?.Origin, _s.DeclaredSetup, _s.DerivedSetup };
        open.AddRange(_s.Alarms.Select(a => a.Origin));
        foreach (var interval in open)
        {
            if (interval is not null)
            {
                interval.Start = timestamp;
            }
        }

        if (_s.CounterActive)
        {
            _s.LastIncrement = timestamp;
        }
    }

    /// <summary>A large step back: another recording or a restarted source. Nothing is counted for the jump.</summary>
    private void ResetClock(DateTime timestamp)
    {
        SuspendCycle();
        if (_s.Status is { } status)
        {
            if (status.StartTicks < _s.Ticks)
            {
                EmitStatus(status, _s.Clock, _s.Ticks, ongoing: false);
                _s.Status = new OpenInterval { Kind = status.Kind, Start = timestamp, StartTicks = _s.Ticks, StartSequence = _seq, InstanceId = _s.InstanceId };
            }
            else
            {
                status.Start = timestamp;
            }
        }

        _s.Clock = timestamp;
    }
}
