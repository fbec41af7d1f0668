using Mtc.Core.Model;

namespace Mtc.Core.Analytics;

// Alarms (Fault and Warning conditions, opened and closed by native code) and setups.
public sealed partial class MachineAnalyzer
{
    private void OnCondition(Observation o)
    {
        var code = o.NativeCode ?? "";
        switch (o.Level)
        {
            case ConditionLevel.Fault or ConditionLevel.Warning:
                var level = o.Level == ConditionLevel.Fault ? Fault : Warning;
                var open = _s.Alarms.Find(a => a.DataItemId == o.DataItemId && a.NativeCode == code);
                if (open is null)
                {
                    open = new OpenAlarm
                    {
                        Origin = OpenHere("alarm"),
                        DataItemId = o.DataItemId,
                        NativeCode = code,
                        ConditionType = o.Type ?? _items.Condition(o.DataItemId)?.Type,
                    };
                    _s.Alarms.Add(open);
                }

                open.Level = level;
                if (level == Fault || open.HighestLevel.Length == 0)
                {
                    open.HighestLevel = level;
                }

                open.Message = string.IsNullOrEmpty(o.Value) ? open.Message : o.Value;
                open.NativeSeverity = o.NativeSeverity ?? open.NativeSeverity;
                break;

            case ConditionLevel.Normal when code.Length > 0:
                CloseAlarms(a => a.DataItemId == o.DataItemId && a.NativeCode == code);
                break;

            default:
                // Normal without a code clears every alarm of the item; so does Unavailable.
                CloseAlarms(a => a.DataItemId == o.DataItemId);
                break;
        }
    }

    private void CloseAlarms(Predicate<OpenAlarm> match)
    {
        foreach (var alarm in _s.Alarms.Where(a => match(a)))
        {
            EmitAlarm(alarm, ongoing: false);
        }

        _s.Alarms.RemoveAll(match);
    }

    private void EmitAlarm(OpenAlarm alarm, bool ongoing) => _s.Pending.Add(AlarmEvent(alarm, _s.Clock, ongoing));

    /// <summary>The alarm as an event; <paramref name="end"/> null while it is open (duration then counts up to now).</summary>
    private AlarmPeriod AlarmEvent(OpenAlarm alarm, DateTime? end, bool ongoing) => new()
    {
        Id = EventId(alarm.Origin.InstanceId, alarm.Origin.StartSequence, MachineEventType.Alarm),
        Start = alarm.Origin.Start,
        End = end,
        InstanceId = alarm.Origin.InstanceId,
        StartSequence = alarm.Origin.StartSequence,
        Ongoing = ongoing,
        NativeCode = alarm.NativeCode.Length == 0 ? null : alarm.NativeCode,
        Level = alarm.HighestLevel,
        Message = alarm.Message,
        NativeSeverity = alarm.NativeSeverity,
        DataItemId = alarm.DataItemId,
        ConditionType = alarm.ConditionType,
        DurationSeconds = Seconds(_s.Ticks - alarm.Origin.StartTicks),
    };

    private void OnFunctionalMode(string? value)
    {
        _s.FunctionalMode = value;
        var setup = string.Equals(value, "SETUP", StringComparison.OrdinalIgnoreCase);
        if (setup && _s.DeclaredSetup is null)
        {
            _s.DeclaredSetup = OpenHere("setup.declared");
            _s.DeclaredSetup.Program = _s.Program;
        }
        else if (!setup && _s.DeclaredSetup is { } open)
        {
            EmitSetup(open, SetupSource.Declared, _s.Clock, _s.Ticks, ongoing: false);
            _s.DeclaredSetup = null;
        }
    }

    private void EmitSetup(OpenInterval setup, string source, DateTime end, long endTicks, bool ongoing) =>
        _s.Pending.Add(SetupEvent(setup, source, end, endTicks, ongoing));

    /// <summary>The setup as an event; <paramref name="end"/> null while it is open (duration then counts up to <paramref name="endTicks"/>).</summary>
    private SetupPeriod SetupEvent(OpenInterval setup, string source, DateTime? end, long endTicks, bool ongoing) => new()
    {
        Id = EventId(setup.InstanceId, setup.StartSequence, "setup." + source),
        Start = setup.Start,
        End = end,
        InstanceId = setup.InstanceId,
        StartSequence = setup.StartSequence,
        Ongoing = ongoing,
        Source = source,
        DurationSeconds = Seconds(endTicks - setup.StartTicks),
        Program = setup.Program,
    };
}
