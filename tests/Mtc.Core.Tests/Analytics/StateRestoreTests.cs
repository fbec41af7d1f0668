using Mtc.Core.Analytics;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Analytics;

public sealed class StateRestoreTests
{
    /// <summary>A stream that touches every rule: stale opening, setups, holds, alarms, restarts, late parts, clock jumps.</summary>
    internal static SyntheticMachine EverythingMachine() => new SyntheticMachine()
        .AtTime(SyntheticMachine.T0.AddDays(-20)).Set("avail", "UNAVAILABLE").Set("exec", "UNAVAILABLE")
        .At(0).Ready("O1000", parts: 7)
        .At(10).Set("exec", "ACTIVE")
        .At(30).Set("exec", "FEED_HOLD").Condition("system", ConditionLevel.Fault, "9", "Chip conveyor")
        .At(40).Set("exec", "ACTIVE").Condition("system", ConditionLevel.Normal, "9")
        .At(70).Set("exec", "PROGRAM_COMPLETED")
        .At(71).Set("pc", "8").Set("exec", "READY")
        .At(100).Set("mode", "MANUAL").Set("program", "O2000")
        .At(200).Set("mode", "AUTOMATIC").Set("exec", "ACTIVE")
        .At(230).Set("exec", "UNAVAILABLE")
        .At(240).Set("exec", "ACTIVE")
        .At(260).Set("pc", "9")
        .At(280).Set("pc", "10")
        .At(290).Set("exec", "READY")
        .At(300).Set("fmode", "SETUP").Condition("system", ConditionLevel.Warning, "5", "Coolant low")
        .At(400).Set("fmode", "PRODUCTION")
        .At(410).Set("exec", "ACTIVE")
        .Restart()
        .At(420).Set("exec", "UNAVAILABLE").Set("pc", "UNAVAILABLE")
        .At(425).Set("exec", "ACTIVE").Set("pc", "0")
        .At(450).Set("exec", "STOPPED")
        .At(-1000).Set("xpos", "1")
        .At(-990).Set("exec", "ACTIVE")
        .At(-900).Set("exec", "PROGRAM_COMPLETED")
        .At(-899).Set("pc", "1")
        .At(-850).Set("exec", "ACTIVE")
        .At(-800).Set("estop", "TRIGGERED");

    [Fact]
    public void Saving_and_restoring_at_any_point_gives_the_same_events_as_one_pass()
    {
        foreach (var machine in new[] { EverythingMachine(), CounterMachine() })
        {
            var expected = machine.Run().Events;
            Assert.True(expected.Count > 10);
            var stream = machine.Stream.Select(p => (p.Observation, (string?)p.Instance)).ToList();
            for (var split = 0; split <= stream.Count; split++)
            {
                Assert.Equal(expected, RealLogs.RunSplitAt(machine.Device, stream, split));
            }
        }
    }

    [Fact]
    public void Saving_after_every_observation_and_replaying_the_last_one_after_a_crash_changes_nothing()
    {
        var machine = EverythingMachine();
        var expected = machine.Run().Events;
        var events = new List<MachineEvent>();
        string? saved = null;
        foreach (var (observation, instance) in machine.Stream)
        {
            var analyzer = saved is null ? new MachineAnalyzer(machine.Device) : MachineAnalyzer.Restore(machine.Device, saved);
            analyzer.Observe(observation, instance);
            var crashedBeforeCommit = analyzer.SaveState(); // pending events travel inside the state
            analyzer = MachineAnalyzer.Restore(machine.Device, crashedBeforeCommit);
            analyzer.Observe(observation, instance); // the edge re-reads from its cursor: a duplicate
            events.AddRange(analyzer.TakeEvents());
            saved = analyzer.SaveState();
        }

        var last = MachineAnalyzer.Restore(machine.Device, saved!);
        last.Finish();
        events.AddRange(last.TakeEvents());
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Restoring_another_devices_state_or_garbage_is_refused()
    {
        var machine = EverythingMachine();
        var analyzer = new MachineAnalyzer(machine.Device);
        var other = SyntheticMachine.CounterOnlyDevice() with { Uuid = "other" };
        Assert.Throws<ArgumentException>(() => MachineAnalyzer.Restore(other, analyzer.SaveState()));
        Assert.Throws<FormatException>(() => MachineAnalyzer.Restore(machine.Device, "{not json"));
        Assert.Throws<FormatException>(() => MachineAnalyzer.Restore(machine.Device, """{"version":99}"""));
    }

    internal static SyntheticMachine CounterMachine() => new SyntheticMachine(SyntheticMachine.CounterOnlyDevice())
        .At(0).Set("avail", "AVAILABLE").Set("pc", "3")
        .At(20).Set("pc", "4").At(80).Set("pc", "5").At(130).Set("pc", "6")
        .At(900).Set("avail", "AVAILABLE").At(950).Set("pc", "0").At(990).Set("pc", "2").At(1000).Set("pc", "3");
}
