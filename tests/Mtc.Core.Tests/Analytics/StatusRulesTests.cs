using Mtc.Core.Analytics;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Analytics;

public sealed class StatusRulesTests
{
    [Fact]
    public void Last_known_values_stamped_weeks_before_the_stream_are_state_not_time()
    {
        var live = SyntheticMachine.T0;
        var m = new SyntheticMachine()
            .AtTime(live.AddDays(-40)).Set("avail", "UNAVAILABLE").Condition("system", ConditionLevel.Warning, "7", "Old warning")
            .AtTime(live.AddHours(-13)).Set("exec", "UNAVAILABLE").Set("program", "UNAVAILABLE")
            .AtTime(live).Set("program", "O1000").Set("mode", "AUTOMATIC").Set("exec", "READY")
            .AtTime(live.AddMinutes(2)).Set("exec", "ACTIVE")
            .AtTime(live.AddMinutes(5)).Set("exec", "READY");

        var run = m.Run();

        Assert.Equal(300, run.Statuses.Sum(s => s.Seconds));
        Assert.Equal(live, run.Statuses[0].Start);
        Assert.Equal(live, run.Analyzer.Snapshot().TimelineStart);
        // A stale Availability does not outvote a control that reports: the machine is not OFFLINE.
        Assert.Equal(120, run.StatusSeconds(MachineStatus.Idle));
        Assert.Equal(180, run.StatusSeconds(MachineStatus.Active));
        var alarm = Assert.Single(run.Alarms);
        Assert.Equal(live, alarm.Start);
        Assert.True(alarm.Ongoing);
    }

    [Fact]
    public void An_agents_current_values_in_sequence_order_but_not_time_order_open_the_timeline_at_the_live_data()
    {
        var live = SyntheticMachine.T0;
        var run = new SyntheticMachine()
            .AtTime(live.AddHours(-3)).Set("program", "O1000").Set("mode", "AUTOMATIC")
            .AtTime(live.AddDays(-2)).Set("avail", "AVAILABLE").Set("pc", "12")
            .AtTime(live.AddMinutes(-90)).Set("exec", "ACTIVE")
            .AtTime(live).Set("xpos", "1.5")
            .AtTime(live.AddSeconds(30)).Set("xpos", "1.6")
            .AtTime(live.AddSeconds(90)).Set("exec", "READY")
            .AtTime(live.AddSeconds(100)).Set("xpos", "1.7")
            .Run();

        Assert.Equal(100, run.Statuses.Sum(s => s.Seconds));
        Assert.Equal(live, run.Analyzer.Snapshot().TimelineStart);
        var cycle = Assert.Single(run.Cycles);
        Assert.Equal((live, 90.0, CycleCompletion.Partial), (cycle.Start, cycle.DurationSeconds, cycle.Completion));
        Assert.Equal(90, run.StatusSeconds(MachineStatus.Active));
    }

    [Fact]
    public void Fault_makes_the_machine_alarm_until_its_native_code_clears()
    {
        var run = new SyntheticMachine().At(0).Ready()
            .At(10).Condition("system", ConditionLevel.Warning, "100", "Low oil")
            .At(20).Condition("system", ConditionLevel.Fault, "200", "Door open")
            .At(30).Condition("system", ConditionLevel.Normal, "200")
            .At(40).Set("estop", "TRIGGERED")
            .At(45).Set("estop", "ARMED")
            .At(50).Condition("system", ConditionLevel.Normal)
            .At(60).Set("xpos", "0")
            .Run();

        Assert.Equal(10 + 5, run.StatusSeconds(MachineStatus.Alarm));
        Assert.Equal(60 - 15, run.StatusSeconds(MachineStatus.Idle));
        Assert.Collection(run.Alarms,
            fault =>
            {
                Assert.Equal(("200", "FAULT", "Door open", 10.0), (fault.NativeCode, fault.Level, fault.Message, fault.DurationSeconds));
                Assert.Equal("SYSTEM", fault.ConditionType);
            },
            warning => Assert.Equal(("100", "WARNING", 40.0), (warning.NativeCode, warning.Level, warning.DurationSeconds)));
    }

    [Fact]
    public void Functional_mode_setup_is_a_declared_setup_and_a_program_change_in_manual_a_derived_one()
    {
        var run = new SyntheticMachine().At(0).Ready("O1000")
            .At(100).Set("fmode", "SETUP")
            .At(400).Set("fmode", "PRODUCTION")
            .At(500).Set("mode", "MANUAL").Set("exec", "STOPPED")
            .At(520).Set("program", "O2000")
            .At(600).Set("mode", "AUTOMATIC").Set("exec", "READY")
            .At(610).Set("exec", "ACTIVE")
            .At(620).Set("exec", "STOPPED") // aborted prove-out: still setting up
            .At(700).Set("exec", "ACTIVE")
            .At(800).Set("exec", "READY")
            .At(900).Set("xpos", "0")
            .Run();

        Assert.Collection(run.Setups,
            declared => Assert.Equal((SetupSource.Declared, 300.0), (declared.Source, declared.DurationSeconds)),
            derived =>
            {
                Assert.Equal(SetupSource.Derived, derived.Source);
                Assert.Equal(SyntheticMachine.T0.AddSeconds(520), derived.Start);
                Assert.Equal(SyntheticMachine.T0.AddSeconds(700), derived.End);
                Assert.Equal("O2000", derived.Program);
            });
        Assert.Equal([CycleCompletion.Aborted, CycleCompletion.Completed], run.Cycles.Select(c => c.Completion));
        Assert.Equal(300 + (610 - 520) + (700 - 620), run.StatusSeconds(MachineStatus.Setup));
        Assert.Equal(10 + 100, run.StatusSeconds(MachineStatus.Active));
    }

    [Fact]
    public void Status_seconds_add_up_to_the_span_and_snapshot_reports_the_machine()
    {
        var run = new SyntheticMachine().At(0).Ready("O1000", parts: 10)
            .At(60).Set("exec", "ACTIVE")
            .At(120).Set("pc", "11")
            .At(125).Set("exec", "READY")
            .At(130).Set("exec", "ACTIVE")
            .At(190).Set("exec", "PROGRAM_COMPLETED")
            .At(192).Set("pc", "12")
            .At(193).Set("exec", "READY")
            .At(400).Set("avail", "UNAVAILABLE")
            .At(500).Set("avail", "AVAILABLE")
            .At(800).Set("xpos", "0")
            .Run();

        Assert.Equal(800, run.Statuses.Sum(s => s.Seconds));
        Assert.Equal(100, run.StatusSeconds(MachineStatus.Offline));
        Assert.Equal([65.0, 60.0], run.Cycles.Select(c => c.DurationSeconds));
        Assert.Equal([1L, 1L], run.Cycles.Select(c => c.Parts));
        var snapshot = run.Analyzer.Snapshot();
        Assert.Equal(MachineStatus.Idle, snapshot.Status);
        Assert.Equal(5, snapshot.IdleMinutes);
        Assert.Equal(12, snapshot.PartCount);
        Assert.Equal(2, snapshot.TotalParts);
        Assert.Equal(62.5, snapshot.AverageCycleSeconds);
        Assert.Equal(run.Cycles[^1], snapshot.LastCycle);
        Assert.Equal(run.Events.Count, run.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Part_counts_looping_on_one_run_split_cycles_at_each_increment()
    {
        var run = new SyntheticMachine().At(0).Ready(parts: 0)
            .At(10).Set("exec", "ACTIVE")
            .At(40).Set("pc", "1")
            .At(70).Set("pc", "2")
            .At(100).Set("pc", "3")
            .At(105).Set("exec", "READY")
            .Run();

        Assert.Equal([30.0, 30.0, 35.0], run.Cycles.Select(c => c.DurationSeconds));
        Assert.Equal([30.0, 30.0, 35.0], run.Cycles.Select(c => c.ActiveSeconds));
        Assert.All(run.Cycles, c => Assert.Equal(1, c.Parts));
    }
}
