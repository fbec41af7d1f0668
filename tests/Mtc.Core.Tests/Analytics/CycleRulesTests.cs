using Mtc.Core.Analytics;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Analytics;

public sealed class CycleRulesTests
{
    [Fact]
    public void Feed_hold_inside_a_cycle_is_interrupted_time_not_a_new_cycle()
    {
        var m = new SyntheticMachine().At(0).Ready()
            .At(10).Set("exec", "ACTIVE")
            .At(70).Set("exec", "FEED_HOLD")
            .At(100).Set("exec", "ACTIVE")
            .At(130).Set("exec", "INTERRUPTED")
            .At(135).Set("exec", "ACTIVE")
            .At(160).Set("exec", "PROGRAM_COMPLETED")
            .At(200).Set("xpos", "1.0");

        var run = m.Run();

        var cycle = Assert.Single(run.Cycles);
        Assert.Equal(SyntheticMachine.T0.AddSeconds(10), cycle.Start);
        Assert.Equal(SyntheticMachine.T0.AddSeconds(160), cycle.End);
        Assert.Equal(150, cycle.DurationSeconds);
        Assert.Equal(60 + 30 + 25, cycle.ActiveSeconds);
        Assert.Equal(30 + 5, cycle.InterruptedSeconds);
        Assert.Equal(CycleCompletion.Completed, cycle.Completion);
        Assert.Equal("O1000", cycle.Program);
        Assert.Equal(115, run.StatusSeconds(MachineStatus.Active));
        Assert.Equal(200 - 115, run.StatusSeconds(MachineStatus.Idle));
    }

    [Fact]
    public void Program_change_inside_a_cycle_closes_it_and_the_new_program_gets_its_own()
    {
        var m = new SyntheticMachine().At(0).Ready("O1000")
            .At(10).Set("exec", "ACTIVE")
            .At(50).Set("program", "O2000")
            .At(90).Set("exec", "READY");

        var run = m.Run();

        Assert.Collection(run.Cycles,
            first =>
            {
                Assert.Equal("O1000", first.Program);
                Assert.Equal(40, first.DurationSeconds);
                Assert.Equal(CycleCompletion.Aborted, first.Completion);
            },
            second =>
            {
                Assert.Equal("O2000", second.Program);
                Assert.Equal(SyntheticMachine.T0.AddSeconds(50), second.Start);
                Assert.Equal(40, second.DurationSeconds);
                Assert.Equal(CycleCompletion.Completed, second.Completion);
            });
        Assert.Empty(run.Setups); // the program changed in AUTOMATIC: no setup derived
    }

    [Fact]
    public void Unavailable_inside_a_cycle_suspends_it_and_never_opens_one()
    {
        // Back with the same program still running: the same cycle goes on, the gap is not active time.
        var resumed = new SyntheticMachine().At(0).Ready()
            .At(10).Set("exec", "ACTIVE")
            .At(50).Set("exec", "UNAVAILABLE").Set("program", "UNAVAILABLE")
            .At(70).Set("program", "O1000").Set("exec", "ACTIVE")
            .At(110).Set("exec", "READY")
            .Run();
        var cycle = Assert.Single(resumed.Cycles);
        Assert.Equal(100, cycle.DurationSeconds);
        Assert.Equal(80, cycle.ActiveSeconds);
        Assert.Equal(CycleCompletion.Completed, cycle.Completion);
        Assert.Equal(20, resumed.StatusSeconds(MachineStatus.Offline));

        // Back READY: we do not know when it ended, so it ends where it was last seen, as partial.
        var lost = new SyntheticMachine().At(0).Ready()
            .At(10).Set("exec", "ACTIVE")
            .At(50).Set("exec", "UNAVAILABLE")
            .At(70).Set("exec", "READY")
            .Run();
        var partial = Assert.Single(lost.Cycles);
        Assert.Equal(SyntheticMachine.T0.AddSeconds(50), partial.End);
        Assert.Equal(CycleCompletion.Partial, partial.Completion);

        // UNAVAILABLE does not open a cycle; coming back ACTIVE from it opens one whose start was not seen.
        var fromNothing = new SyntheticMachine().At(0).Ready()
            .At(10).Set("exec", "UNAVAILABLE")
            .At(20).Set("exec", "UNAVAILABLE")
            .At(30).Set("exec", "ACTIVE")
            .At(60).Set("exec", "READY")
            .Run();
        var late = Assert.Single(fromNothing.Cycles);
        Assert.Equal(SyntheticMachine.T0.AddSeconds(30), late.Start);
        Assert.Equal(CycleCompletion.Partial, late.Completion);
    }

    [Fact]
    public void Counter_reset_counts_the_new_value_from_zero()
    {
        var m = new SyntheticMachine().At(0).Ready(parts: 5);
        var t = 10;
        foreach (var (value, active) in new[] { ("6", true), ("7", true), ("0", false), ("1", true), ("2", true) })
        {
            m.At(t).Set("exec", "ACTIVE").At(t + 50).Set("exec", "PROGRAM_COMPLETED").At(t + 51).Set("pc", value).Set("exec", "READY");
            t += 100;
        }

        var run = m.Run();

        Assert.Equal(4, run.Analyzer.Snapshot().TotalParts);
        Assert.Equal(2, run.Analyzer.Snapshot().PartCount);
        Assert.Equal([1L, 1, 1, 1], run.Parts.Select(p => p.Count));
        Assert.Equal(5, run.Cycles.Count);
        Assert.Equal([1L, 1, 0, 1, 1], run.Cycles.Select(c => c.Parts));
        Assert.All(run.Cycles, c => Assert.Equal(CycleCompletion.Completed, c.Completion));

        // A drop to a non-zero value (reset while nobody watched, then parts) counts that value.
        var jump = new SyntheticMachine().At(0).Ready(parts: 40).At(10).Set("pc", "3").Run();
        var reset = Assert.Single(jump.Parts);
        Assert.True(reset.Reset);
        Assert.Equal(3, reset.Count);
    }

    [Fact]
    public void Agent_restart_inside_a_cycle_neither_splits_nor_duplicates_it()
    {
        var m = new SyntheticMachine().At(0).Ready()
            .At(10).Set("exec", "ACTIVE")
            .At(40).Set("xpos", "2.0")
            .Restart()
            .At(45).Set("exec", "UNAVAILABLE").Set("program", "UNAVAILABLE").Set("avail", "UNAVAILABLE")
            .At(50).Set("avail", "AVAILABLE").Set("program", "O1000").Set("exec", "ACTIVE").Set("pc", "0")
            .At(100).Set("exec", "PROGRAM_COMPLETED")
            .At(101).Set("pc", "1");

        var run = m.Run();

        var cycle = Assert.Single(run.Cycles);
        Assert.StartsWith("m1-uuid:1:", cycle.Id, StringComparison.Ordinal); // opened under the first instance
        Assert.Equal(SyntheticMachine.T0.AddSeconds(10), cycle.Start);
        Assert.Equal(90, cycle.DurationSeconds);
        Assert.Equal(35 + 50, cycle.ActiveSeconds); // active until the new instance first spoke, then again from 50
        Assert.Equal(1, cycle.Parts);
        Assert.Equal(CycleCompletion.Completed, cycle.Completion);
        Assert.Equal(0, run.Analyzer.Duplicates); // sequences restarting with the instance are not duplicates
        Assert.Equal(run.Events.Count, run.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Duplicated_observations_change_nothing()
    {
        var once = new SyntheticMachine().At(0).Ready()
            .At(10).Set("exec", "ACTIVE")
            .At(20).Set("exec", "ACTIVE") // the same value again, as adapters resend
            .At(30).Condition("system", ConditionLevel.Fault, "42", "Spindle overload")
            .At(35).Condition("system", ConditionLevel.Fault, "42", "Spindle overload")
            .At(40).Condition("system", ConditionLevel.Normal)
            .At(60).Set("exec", "PROGRAM_COMPLETED").Set("pc", "1");

        var single = once.Run();
        var doubled = new MachineAnalyzer(once.Device);
        foreach (var (observation, instance) in once.Stream)
        {
            doubled.Observe(observation, instance);
            doubled.Observe(observation, instance); // delivered twice, e.g. a retried page
        }

        doubled.Finish();
        var events = doubled.TakeEvents();

        Assert.Equal(single.Events, events);
        Assert.Equal(once.Stream.Count, doubled.Duplicates);
        Assert.Single(single.Cycles);
        var alarm = Assert.Single(single.Alarms);
        Assert.Equal("42", alarm.NativeCode);
        Assert.Equal(10, alarm.DurationSeconds);
    }

    [Fact]
    public void Timestamps_that_go_backwards_never_count_time_twice()
    {
        var m = new SyntheticMachine().At(0).Ready()
            .At(10).Set("exec", "ACTIVE")
            .At(20).Set("xpos", "1")
            .At(19.5).Set("xpos", "2") // jitter between clocks: the clock holds
            .At(30).Set("exec", "READY")
            .At(40).Set("xpos", "3")
            .At(-600).Set("xpos", "4") // another recording, ten minutes earlier
            .At(-590).Set("exec", "ACTIVE")
            .At(-560).Set("exec", "READY")
            .At(-550).Set("xpos", "5");

        var run = m.Run();

        // Counted time: 0..40 (40 s), then from the re-anchor at -600 to -550 (50 s).
        Assert.Equal(90, run.Statuses.Sum(s => s.Seconds));
        Assert.Equal(90, run.Analyzer.Snapshot().SpanSeconds);
        Assert.Collection(run.Cycles,
            c => Assert.Equal(20, c.DurationSeconds),
            c =>
            {
                Assert.Equal(SyntheticMachine.T0.AddSeconds(-590), c.Start);
                Assert.Equal(30, c.DurationSeconds);
            });
        Assert.Equal(50, run.StatusSeconds(MachineStatus.Active));
        Assert.All(run.Statuses, s => Assert.True(s.End >= s.Start, $"{s.Id} ends before it starts"));
    }

    [Fact]
    public void A_machine_with_only_a_part_count_gets_cycles_from_increments_and_idles_after_five_minutes()
    {
        var m = new SyntheticMachine(SyntheticMachine.CounterOnlyDevice())
            .At(0).Set("avail", "AVAILABLE").Set("pc", "100")
            .At(30).Set("pc", "101")
            .At(90).Set("pc", "102")
            .At(150).Set("pc", "103")
            .At(200).Set("pc", "104")
            .At(1000).Set("pc", "105") // after 13 idle minutes: starts the clock again, no cycle
            .At(1040).Set("pc", "106")
            .At(1100).Set("avail", "AVAILABLE");

        var run = m.Run();

        Assert.True(run.Analyzer.CounterOnly);
        Assert.Equal([60.0, 60, 50, 40], run.Cycles.Select(c => c.DurationSeconds));
        Assert.All(run.Cycles, c => Assert.Equal(CycleCompletion.Completed, c.Completion));
        Assert.Equal(6, run.Analyzer.Snapshot().TotalParts);
        Assert.Equal((60 + 60 + 50 + 40) / 4.0, run.Analyzer.Snapshot().AverageCycleSeconds);
        // ACTIVE from the first increment to 5 min after the fifth (30..500), then from 1000 to the end.
        Assert.Equal(470 + 100, run.StatusSeconds(MachineStatus.Active));
        Assert.Equal(30 + 500, run.StatusSeconds(MachineStatus.Idle));
        var idle = run.Statuses.Single(s => s.Status == MachineStatus.Idle && s.Start > SyntheticMachine.T0.AddSeconds(100));
        Assert.Equal(SyntheticMachine.T0.AddSeconds(500), idle.Start);

        var tenMinutes = new SyntheticMachine(SyntheticMachine.CounterOnlyDevice())
            .At(0).Set("pc", "1").At(10).Set("pc", "2").At(500).Set("pc", "3")
            .Run(new AnalyticsOptions { CounterIdleAfter = TimeSpan.FromMinutes(10) });
        Assert.Equal([490.0], tenMinutes.Cycles.Select(c => c.DurationSeconds));
    }
}
