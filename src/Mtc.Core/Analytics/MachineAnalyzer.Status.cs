using Mtc.Core.Model;

namespace Mtc.Core.Analytics;

// Machine status: OFFLINE > ALARM > SETUP > ACTIVE > IDLE, re-evaluated after every observation.
public sealed partial class MachineAnalyzer
{
    private const string Fault = "FAULT";
    private const string Warning = "WARNING";

    private string ComputeStatus()
    {
        if (IsOffline())
        {
            return MachineStatus.Offline;
        }

        if (string.Equals(_s.EmergencyStop, "TRIGGERED", StringComparison.OrdinalIgnoreCase)
            || _s.Alarms.Exists(a => a.Level == Fault))
        {
            return MachineStatus.Alarm;
        }

        var cycleRunning = _s.Cycle is { Suspended: false };
        if (string.Equals(_s.FunctionalMode, "SETUP", StringComparison.OrdinalIgnoreCase)
            || (_s.DerivedSetup is not null && !cycleRunning))
        {
            return MachineStatus.Setup;
        }

        var active = _items.CounterOnly ? _s.CounterActive : _s.Execution == Execution.Active;
        return active ? MachineStatus.Active : MachineStatus.Idle;
    }

    /// <summary>
    /// OFFLINE while the item that shows the control is alive (execution, else the part count, else
    /// availability) is UNAVAILABLE or not yet seen, or while Availability says UNAVAILABLE and that is newer
    /// than the last live value of that item (a stale Availability does not outvote a control that reports).
    /// </summary>
    private bool IsOffline()
    {
        bool live;
        long liveOrder;
        if (_items.HasExecution)
        {
            live = _s.Execution is not null && _s.Execution != Observation.UnavailableValue;
            liveOrder = _s.ExecutionLiveOrder;
        }
        else if (_items.Has.Contains(DataItemRole.PartCount))
        {
            live = _s.PartCounterLive;
            liveOrder = _s.PartCounterLiveOrder;
        }
        else if (_items.Has.Contains(DataItemRole.Availability))
        {
            return !string.Equals(_s.Availability, "AVAILABLE", StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            return false;
        }

        if (!live)
        {
            return true;
        }

        return _s.Availability is not null
            && !string.Equals(_s.Availability, "AVAILABLE", StringComparison.OrdinalIgnoreCase)
            && _s.AvailabilityOrder > liveOrder;
    }

    private void UpdateStatus(long ticks, DateTime wall)
    {
        var status = ComputeStatus();
        if (_s.Cycle is { Suspended: false } cycle && cycle.InAlarm != (status == MachineStatus.Alarm))
        {
            // Time in ALARM inside a cycle is interrupted time, not active time.
            Accrue(cycle);
            cycle.InAlarm = status == MachineStatus.Alarm;
        }

        var current = _s.Status;
        if (current is null)
        {
            _s.Status = new OpenInterval { Kind = status, Start = wall, StartTicks = ticks, StartSequence = _seq, InstanceId = _s.InstanceId };
            return;
        }

        if (current.Kind == status)
        {
            return;
        }

        if (current.StartTicks == ticks)
        {
            // It never lasted: the observations at one instant settle on one status.
            current.Kind = status;
            return;
        }

        EmitStatus(current, wall, ticks, ongoing: false);
        _s.Status = new OpenInterval { Kind = status, Start = wall, StartTicks = ticks, StartSequence = _seq, InstanceId = _s.InstanceId };
    }

    private void EmitStatus(OpenInterval interval, DateTime end, long endTicks, bool ongoing)
    {
        _s.StatusTicks[interval.Kind] = _s.StatusTicks.GetValueOrDefault(interval.Kind) + (endTicks - interval.StartTicks);
        _s.Pending.Add(StatusEvent(interval, end, endTicks, ongoing));
    }

    /// <summary>The interval as an event; <paramref name="end"/> null while it is open (seconds then count up to <paramref name="endTicks"/>).</summary>
    private StatusInterval StatusEvent(OpenInterval interval, DateTime? end, long endTicks, bool ongoing) => new()
    {
        Id = EventId(interval.InstanceId, interval.StartSequence, "status." + interval.Kind),
        Start = interval.Start,
        End = end,
        InstanceId = interval.InstanceId,
        StartSequence = interval.StartSequence,
        Ongoing = ongoing,
        Status = interval.Kind,
        Seconds = Seconds(endTicks - interval.StartTicks),
    };

    /// <summary>Counted seconds per status so far, including the open interval.</summary>
    public IReadOnlyDictionary<string, double> StatusSeconds()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var status in MachineStatus.All)
        {
            var ticks = _s.StatusTicks.GetValueOrDefault(status);
            if (!_s.Finished && _s.Status is { } open && open.Kind == status)
            {
                ticks += _s.Ticks - open.StartTicks;
            }

            result[status] = Seconds(ticks);
        }

        return result;
    }

    /// <summary>The machine as it is now.</summary>
    public MachineSnapshot Snapshot()
    {
        var status = _s.Status?.Kind ?? MachineStatus.Offline;
        var idleMinutes = status == MachineStatus.Idle && _s.Status is { } open
            ? (_s.Ticks - open.StartTicks) / (double)TimeSpan.TicksPerMinute
            : 0;
        return new MachineSnapshot
        {
            Device = _s.DeviceKey,
            Status = status,
            Since = _s.Status?.Start,
            At = _s.Started ? _s.Clock : null,
            Program = _s.Program,
            ProgramComment = _s.ProgramComment,
            PartCount = _s.PartCounter,
            TotalParts = _s.TotalParts,
            IdleMinutes = idleMinutes,
            LastCycle = _s.LastCycle,
            AverageCycleSeconds = _s.RecentCycleSeconds.Count == 0 ? null : _s.RecentCycleSeconds.Average(),
            CounterOnly = _items.CounterOnly,
            SpanSeconds = Seconds(_s.Ticks),
            TimelineStart = _s.Started ? _s.TimelineStart : null,
        };
    }
}
