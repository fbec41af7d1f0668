using System.Text.Json.Nodes;
using Mtc.Core.Analytics;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Analytics;

/// <summary>Rules around steps back of the clock and cycle opening, on small streams that isolate each one.</summary>
public sealed class ClockStepRulesTests
{
    [Fact]
    public void A_counter_only_cycle_across_a_step_back_of_the_clock_does_not_end_before_it_starts()
    {
        var run = new SyntheticMachine(SyntheticMachine.CounterOnlyDevice())
            .At(0).Set("avail", "AVAILABLE").Set("pc", "1")
            .At(100).Set("pc", "2")
            .At(160).Set("pc", "3")
            .At(-500).Set("pc", "4") // another recording, 11 minutes behind
            .At(-440).Set("pc", "5")
            .Run();

        Assert.All(run.Cycles, c => Assert.True(c.End >= c.Start, $"{c.Id} ends at {c.End:O}, before {c.Start:O}"));
        // 100 → 160 before the step (the first value is a baseline); after it, the first increment starts the clock again.
        Assert.Equal([60.0, 60.0], run.Cycles.Select(c => c.DurationSeconds));
        Assert.Equal(SyntheticMachine.T0.AddSeconds(-500), run.Cycles[^1].Start);
    }

    [Fact]
    public void An_alarm_and_a_setup_open_across_a_step_back_of_the_clock_do_not_end_before_they_start()
    {
        var run = new SyntheticMachine()
            .At(0).Ready()
            .At(10).Condition("system", ConditionLevel.Fault, "7", "Lubrication").Set("fmode", "SETUP")
            .At(100).Set("xpos", "1")
            .At(-900).Set("xpos", "2")
            .At(-850).Condition("system", ConditionLevel.Normal, "7").Set("fmode", "PRODUCTION")
            .Run();

        Assert.All(run.Events, e => Assert.True(e.End >= e.Start, $"{e.Id} ends at {e.End:O}, before {e.Start:O}"));
        Assert.Equal(140, run.Alarms.Sum(a => a.DurationSeconds), 3);
        Assert.Equal(140, run.Setups.Sum(s => s.DurationSeconds), 3);
    }

    [Fact]
    public void UNAVAILABLE_stamped_minutes_behind_holds_the_clock_but_live_data_that_far_behind_re_anchors_it()
    {
        var run = new SyntheticMachine()
            .At(0).Ready()
            .At(200).Set("xpos", "1")
            .At(50).Set("exec", "UNAVAILABLE") // the agent's lagging clock stamping a disconnect: the clock holds at 200
            .At(260).Set("exec", "READY")
            .At(-600).Set("xpos", "2") // live data far behind: another recording, nothing counted for the jump
            .At(-590).Set("xpos", "3")
            .Run();

        Assert.Equal(270, run.Statuses.Sum(s => s.Seconds), 3);
        Assert.Equal(60, run.StatusSeconds(MachineStatus.Offline), 3);
        Assert.All(run.Events, e => Assert.True(e.End >= e.Start, $"{e.Id} ends before it starts"));
    }

    [Fact]
    public void A_cycle_whose_ACTIVE_comes_before_the_mode_change_to_AUTOMATIC_in_its_timestamp_group_opens()
    {
        // A program change in MANUAL opens a derived setup; then ACTIVE and AUTOMATIC arrive at one instant, ACTIVE first.
        var run = new SyntheticMachine()
            .At(0).Ready("O1000")
            .At(10).Set("mode", "MANUAL").Set("program", "O2000")
            .At(100).Set("exec", "ACTIVE").Set("mode", "AUTOMATIC")
            .At(539).Set("exec", "PROGRAM_COMPLETED")
            .Run();

        var cycle = Assert.Single(run.Cycles);
        Assert.Equal(CycleCompletion.Completed, cycle.Completion);
        Assert.Equal(439, cycle.DurationSeconds, 3);
        Assert.Equal("O2000", cycle.Program);
        Assert.Equal(439, run.StatusSeconds(MachineStatus.Active), 3);
        var setup = Assert.Single(run.Setups);
        Assert.Equal(90, setup.DurationSeconds, 3);
    }

    [Fact]
    public void A_cycle_whose_ACTIVE_is_followed_by_MANUAL_in_its_timestamp_group_does_not_open()
    {
        var run = new SyntheticMachine()
            .At(0).Ready("O1000")
            .At(100).Set("exec", "ACTIVE").Set("mode", "MANUAL")
            .At(200).Set("exec", "READY")
            .Run();

        Assert.Empty(run.Cycles);
    }

    [Fact]
    public void A_program_that_arrives_long_after_ACTIVE_opens_a_partial_cycle_there()
    {
        var device = SyntheticMachine.FullDevice();
        var run = new SyntheticMachine(device)
            .At(0).Set("avail", "AVAILABLE").Set("mode", "AUTOMATIC").Set("exec", "READY")
            .At(10).Set("exec", "ACTIVE")
            .At(70).Set("program", "O3000")
            .At(100).Set("exec", "READY")
            .Run();

        var cycle = Assert.Single(run.Cycles);
        Assert.Equal(SyntheticMachine.T0.AddSeconds(70), cycle.Start);
        Assert.Equal(CycleCompletion.Partial, cycle.Completion);
    }

    [Fact]
    public void State_saved_before_the_clock_skew_and_cycle_opening_fields_existed_restores_and_gives_the_same_events()
    {
        // States the edge saved with the previous version lack these fields; where they hold their defaults (no
        // pending cycle start, no alarm in the cycle, no suspended counter, past the opening), the analysis goes on the same.
        var device = RealLogs.Device(RealLogs.NistDevices, "Mazak01");
        var stream = RealLogs.OneInstance(RealLogs.Observations(RealLogs.NistLog, device));
        var expected = RealLogs.Analyze(stream.Select(p => p.Observation), device).Events;
        var tested = 0;
        foreach (var split in Enumerable.Range(1, 40).Select(i => stream.Count * i / 41))
        {
            var first = new MachineAnalyzer(device);
            foreach (var (observation, _) in stream.Take(split))
            {
                first.Observe(observation);
            }

            var events = first.TakeEvents().ToList();
            var state = JsonNode.Parse(first.SaveState())!.AsObject();
            if (state["pendingCycle"] is not null || state["cycle"]?["inAlarm"]?.GetValue<bool>() == true)
            {
                continue;
            }

            foreach (var added in new[] { "openingLive", "groupTime", "counterSuspended" })
            {
                Assert.True(state.Remove(added), added);
            }

            (state["cycle"] as JsonObject)?.Remove("inAlarm");
            var second = MachineAnalyzer.Restore(device, state.ToJsonString());
            foreach (var (observation, _) in stream.Skip(split))
            {
                second.Observe(observation);
            }

            second.Finish();
            events.AddRange(second.TakeEvents());
            Assert.Equal(expected, events);
            tested++;
        }

        Assert.True(tested >= 20, $"{tested} splits");
    }
}
