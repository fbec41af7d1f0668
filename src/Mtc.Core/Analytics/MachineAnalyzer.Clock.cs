namespace Mtc.Core.Analytics;

// The analytics clock. Counted time only moves forward: status seconds, cycle durations and the time the
// input spans are all measured on it, so they add up exactly.
public sealed partial class MachineAnalyzer
{
    private void AdvanceClock(DateTime timestamp, bool unavailable)
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
            _s.OpeningLive = !unavailable;
            return;
        }

        if (timestamp > _s.Clock)
        {
            var step = timestamp - _s.Clock;
            if (_s.Opening && (unavailable || !_s.OpeningLive || step > _options.OpeningGap))
            {
                // Still reading last-known values stamped when they last changed: state, not time. UNAVAILABLE
                // values never end the snapshot, and the timeline starts at a live value, not at the stale ones.
                Reanchor(timestamp);
                _s.OpeningLive = !unavailable;
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
                _s.OpeningLive = !unavailable;
            }
            else if (!unavailable || _s.Clock - timestamp > _options.UnavailableSkewTolerance)
            {
                ResetClock(timestamp);
            }

            // UNAVAILABLE a few minutes behind: the agent's own clock stamping a disconnect; the clock holds.
        }
        else if (!unavailable)
        {
            // A small step back is jitter between clocks: the clock holds.
            _s.OpeningLive = true;
        }
    }

    /// <summary>
    /// The source is alive but sent nothing for <paramref name="sinceLastObservation"/> (as the collector measured it since
    /// the last observation arrived): the clock moves to the last observation's time plus that, so time-driven rules run up to
    /// it (a counter-only machine turns IDLE after <see cref="AnalyticsOptions.CounterIdleAfter"/>) and what is open is
    /// announced once it lasted (<see cref="TakeOpenEvents"/>). On the machine's own clock, never past what the next
    /// observation's time will be; nothing before the first live value of the opening snapshot, and nothing backwards.
    /// </summary>
    public void Tick(TimeSpan sinceLastObservation)
    {
        // In the opening snapshot only after a live value: time passing then ends the snapshot as a live observation would.
        if (_s.Finished || !_s.Started || (_s.Opening && !_s.OpeningLive) || _s.GroupTime == default || sinceLastObservation <= TimeSpan.Zero)
        {
            return;
        }

        var at = _s.GroupTime + sinceLastObservation;
        if (at <= _s.Clock)
        {
            return;
        }

        EndGroup();
        AdvanceClock(at, unavailable: false);
        UpdateStatus(_s.Ticks, _s.Clock);
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
        var open = new List<OpenInterval?> { _s.Status, _s.Cycle?.Origin, _s.PendingCycle?.Origin, _s.DeclaredSetup, _s.DerivedSetup };
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

    /// <summary>
    /// A large step back: another recording or a restarted source. Nothing is counted for the jump. What is open
    /// (status, alarms, setups) ends where its timeline ended and goes on from the new time, so nothing ends before
    /// it starts; the cycle is suspended.
    /// </summary>
    private void ResetClock(DateTime timestamp)
    {
        SuspendCycle();
        if (_s.CounterActive)
        {
            _s.CounterSuspended = true;
        }

        if (_s.Status is { } status)
        {
            _s.Status = Split(status, timestamp, s => EmitStatus(s, _s.Clock, _s.Ticks, ongoing: false));
        }

        foreach (var alarm in _s.Alarms)
        {
            var origin = alarm.Origin;
            alarm.Origin = Split(origin, timestamp, _ => _s.Pending.Add(AlarmEvent(alarm, _s.Clock, ongoing: false)));
        }

        if (_s.DeclaredSetup is { } declared)
        {
            _s.DeclaredSetup = Split(declared, timestamp, s => EmitSetup(s, SetupSource.Declared, _s.Clock, _s.Ticks, ongoing: false));
        }

        if (_s.DerivedSetup is { } derived)
        {
            _s.DerivedSetup = Split(derived, timestamp, s => EmitSetup(s, SetupSource.Derived, _s.Clock, _s.Ticks, ongoing: false));
        }

        _s.Clock = timestamp;
    }

    /// <summary>Ends <paramref name="interval"/> at the clock (when it lasted) and returns its continuation from <paramref name="timestamp"/>.</summary>
    private OpenInterval Split(OpenInterval interval, DateTime timestamp, Action<OpenInterval> emit)
    {
        if (interval.StartTicks == _s.Ticks)
        {
            interval.Start = timestamp;
            return interval;
        }

        emit(interval);
        return new OpenInterval
        {
            Kind = interval.Kind,
            Start = timestamp,
            StartTicks = _s.Ticks,
            StartSequence = _seq,
            InstanceId = _s.InstanceId,
            Program = interval.Program,
        };
    }
}
