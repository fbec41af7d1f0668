using Mtc.Core.Model;

namespace Mtc.Simulator.Sources.Generator;

/// <summary>What a generated machine does, written as a script that yields how long it waits.</summary>
internal sealed partial class GeneratedMachine
{
    private int _program = -1;
    private long _parts;

    private IEnumerable<TimeSpan> Script()
    {
        // Power on: the adapter reports everything once.
        Set("avail", "AVAILABLE");
        Set("estop", "ARMED");
        Set("mode", "AUTOMATIC");
        Set("fmode", "PRODUCTION");
        _program = _random.Next(_programs.Length);
        Set("program", _programs[_program]);
        Set("execution", "READY");
        Set("partcount", _parts);
        Condition("system", ConditionLevel.Normal);
        Condition("motion", ConditionLevel.Normal);
        Condition("Stemp", ConditionLevel.Normal);
        Set("Srpm", 0);
        Set("Sload", 0);
        Set("Frt", 0);
        foreach (var axis in Axes)
        {
            Set(axis + "pos", 0);
        }

        yield return Seconds(Between(1, 20));
        while (true)
        {
            var next = _random.Next(_programs.Length);
            if (next != _program || _random.NextDouble() < 0.15)
            {
                foreach (var wait in Setup(next))
                {
                    yield return wait;
                }
            }

            var cycles = _random.Next(3, 26);
            for (var cycle = 0; cycle < cycles; cycle++)
            {
                foreach (var wait in Cycle())
                {
                    yield return wait;
                }
            }

            // Between jobs: idle, and now and then the machine goes away (power off, network).
            yield return Seconds(Between(30, 600));
            if (_random.NextDouble() < 0.08)
            {
                foreach (var wait in AvailabilityDrop())
                {
                    yield return wait;
                }
            }
        }
    }

    private string[] Axes => Kind == MachineKind.Mill ? ["X", "Y", "Z"] : ["X", "Z"];

    private IEnumerable<TimeSpan> Setup(int program)
    {
        Set("fmode", "SETUP");
        Set("mode", "MANUAL");
        yield return Seconds(Between(60, 300));
        _program = program;
        Set("mode", "EDIT");
        Set("program", _programs[_program]);
        yield return Seconds(Between(30, 180));
        Set("mode", "MANUAL");
        foreach (var axis in Axes)
        {
            Set(axis + "pos", Math.Round(Between(-200, 200), 3));
        }

        yield return Seconds(Between(120, 900));
        Set("mode", "AUTOMATIC");
        Set("fmode", "PRODUCTION");
        yield return Seconds(Between(5, 60));
    }

    private IEnumerable<TimeSpan> Cycle()
    {
        var planned = Math.Max(10, Normal(_cycleSeconds[_program], _cycleSeconds[_program] * 0.08));
        var holdAt = _random.NextDouble() < 0.08 ? Between(0.1, 0.9) * planned : double.MaxValue;
        var alarmAt = _random.NextDouble() < 0.03 ? Between(0.1, 0.9) * planned : double.MaxValue;
        var warning = _random.NextDouble() < 0.05;
        var rpm = _spindleRpm[_program];

        Set("execution", "ACTIVE");
        Set("Srpm", Math.Round(rpm * Between(0.98, 1.02), 0));
        var elapsed = 0.0;
        while (elapsed < planned)
        {
            var step = Math.Min(Between(1.5, 3.5), planned - elapsed);
            yield return Seconds(step);
            elapsed += step;
            foreach (var axis in Axes)
            {
                Set(axis + "pos", Math.Round(Between(-250, 250), 3));
            }

            Set("Frt", Math.Round(Between(5, 80), 2));
            Set("Sload", Math.Round(Between(10, 95), 1));
            if (warning && elapsed > planned / 2)
            {
                Condition("Stemp", ConditionLevel.Warning, "TEMP-HI", "Spindle temperature high");
                warning = false;
            }

            if (elapsed >= holdAt)
            {
                holdAt = double.MaxValue;
                Set("execution", "FEED_HOLD");
                Set("Frt", 0);
                yield return Seconds(Between(10, 120));
                Set("execution", "ACTIVE");
            }

            if (elapsed >= alarmAt)
            {
                foreach (var wait in Alarm())
                {
                    yield return wait;
                }

                yield break;
            }
        }

        _parts++;
        Set("execution", "PROGRAM_COMPLETED");
        Set("partcount", _parts);
        Set("Srpm", 0);
        Set("Sload", 0);
        Set("Frt", 0);
        Condition("Stemp", ConditionLevel.Normal);
        yield return Seconds(Between(5, 45));
        Set("execution", "READY");
        yield return Seconds(Between(1, 10));
    }

    /// <summary>A Fault interrupts the cycle (no part), the operator clears it, the machine is ready again.</summary>
    private IEnumerable<TimeSpan> Alarm()
    {
        var alarm = Alarms[_random.Next(Alarms.Length)].Split('|');
        Condition("system", ConditionLevel.Fault, alarm[0], alarm[1]);
        Set("execution", "INTERRUPTED");
        Set("Srpm", 0);
        Set("Frt", 0);
        yield return Seconds(Between(2, 10));
        Set("execution", "STOPPED");
        yield return Seconds(Between(60, 600));
        Condition("system", ConditionLevel.Normal);
        Condition("Stemp", ConditionLevel.Normal);
        Set("execution", "READY");
        yield return Seconds(Between(10, 60));
    }

    private IEnumerable<TimeSpan> AvailabilityDrop()
    {
        Set("avail", "UNAVAILABLE");
        Set("execution", "UNAVAILABLE");
        yield return Seconds(Between(300, 1800));
        Set("avail", "AVAILABLE");
        Set("execution", "READY");
        Set("program", _programs[_program]);
        Set("partcount", _parts);
        yield return Seconds(Between(10, 60));
    }
}
