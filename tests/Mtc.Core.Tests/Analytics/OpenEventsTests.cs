using Mtc.Core.Analytics;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Analytics;

/// <summary><see cref="MachineAnalyzer.TakeOpenEvents"/>: what is running now, announced once, closed later under the same id.</summary>
public sealed class OpenEventsTests
{
    [Fact]
    public void Every_open_event_is_announced_once_without_an_end_and_later_closes_under_the_same_id()
    {
        var machine = StateRestoreTests.EverythingMachine();
        var closedOnly = machine.Run().Events;
        var (closed, opened) = RunWithOpen(machine.Device, machine.Stream.Select(p => (p.Observation, (string?)p.Instance)).ToList(), -1);

        // Announcing is purely additive: the closed events are those of a pass that never asks for open ones.
        Assert.Equal(closedOnly, closed);
        Assert.All(opened, e => Assert.True(e.End is null && e.Ongoing));
        Assert.Equal(opened.Count, opened.Select(e => e.Id).Distinct().Count());
        foreach (var type in new[] { MachineEventType.Status, MachineEventType.Cycle, MachineEventType.Alarm, MachineEventType.Setup })
        {
            Assert.Contains(opened, e => e.Type == type);
        }

        var closedById = closed.ToDictionary(e => e.Id);
        foreach (var open in opened)
        {
            Assert.True(closedById.TryGetValue(open.Id, out var end), $"{open.Id} was announced but never closed");
            Assert.Equal(end.Start, open.Start);
            Assert.Equal(end.Type, open.Type);
            Assert.NotNull(end.End);
        }

        Assert.All(opened.OfType<MachineCycle>(), c => Assert.Null(c.Completion));
    }

    [Fact]
    public void An_interval_is_announced_once_the_clock_moves_past_its_start_and_not_while_its_instant_may_still_settle()
    {
        var machine = new SyntheticMachine()
            .At(0).Ready()
            .At(10).Set("exec", "ACTIVE")
            .At(10).Set("xpos", "1")
            .At(11).Set("xpos", "2")
            .At(20).Set("exec", "INTERRUPTED").Set("exec", "ACTIVE")
            .At(30).Set("exec", "READY")
            .At(31).Set("xpos", "3");
        var analyzer = new MachineAnalyzer(machine.Device);
        var announced = new List<(int Index, MachineEvent Event)>();
        for (var i = 0; i < machine.Stream.Count; i++)
        {
            analyzer.Observe(machine.Stream[i].Observation, machine.Stream[i].Instance);
            analyzer.TakeEvents();
            announced.AddRange(analyzer.TakeOpenEvents().Select(e => (i, e)));
        }

        // Stream: 0-6 Ready at 0 s, 7 ACTIVE at 10 s, 8 xpos at 10 s, 9 xpos at 11 s, 10-11 at 20 s, 12 READY at 30 s, 13 at 31 s.
        // The first IDLE ends at the first observation after its instant (ACTIVE at 10 s): it is only ever sent closed.
        Assert.DoesNotContain(announced, a => a.Event.Start == SyntheticMachine.T0);
        var active = Assert.Single(announced, a => a.Event is StatusInterval { Status: MachineStatus.Active });
        Assert.Equal(9, active.Index); // not at 10 s (instant 7 and 8 share), but at 11 s
        Assert.Equal(SyntheticMachine.T0.AddSeconds(10), active.Event.Start);
        Assert.Equal(1, ((StatusInterval)active.Event).Seconds);
        var cycle = Assert.Single(announced, a => a.Event is MachineCycle);
        Assert.Equal(9, cycle.Index);
        Assert.Equal("O1000", ((MachineCycle)cycle.Event).Program);
        Assert.Null(((MachineCycle)cycle.Event).Completion);
        var idleAfter = Assert.Single(announced, a => a.Event is StatusInterval { Status: MachineStatus.Idle } s && s.Start == SyntheticMachine.T0.AddSeconds(30));
        Assert.Equal(13, idleAfter.Index);
        Assert.Equal(3, announced.Count);
    }

    [Fact]
    public void Saving_and_restoring_at_any_point_announces_the_same_open_events_as_one_pass()
    {
        foreach (var machine in new[] { StateRestoreTests.EverythingMachine(), StateRestoreTests.CounterMachine() })
        {
            var stream = machine.Stream.Select(p => (p.Observation, (string?)p.Instance)).ToList();
            var expected = RunWithOpen(machine.Device, stream, -1);
            for (var split = 0; split <= stream.Count; split++)
            {
                var run = RunWithOpen(machine.Device, stream, split);
                Assert.Equal(expected.Closed, run.Closed);
                Assert.Equal(expected.Opened, run.Opened);
            }
        }
    }

    [Fact]
    public void A_counter_only_machine_announces_its_status_but_never_a_cycle()
    {
        var machine = StateRestoreTests.CounterMachine();
        var (closed, opened) = RunWithOpen(machine.Device, machine.Stream.Select(p => (p.Observation, (string?)p.Instance)).ToList(), -1);
        Assert.Contains(closed, e => e is MachineCycle);
        Assert.DoesNotContain(opened, e => e is MachineCycle);
        Assert.Contains(opened, e => e is StatusInterval);
    }

    /// <summary>Closed and open events after every observation; at <paramref name="split"/> the state is saved and restored.</summary>
    private static (List<MachineEvent> Closed, List<MachineEvent> Opened) RunWithOpen(
        Device device, IReadOnlyList<(Observation Observation, string? Instance)> stream, int split)
    {
        var analyzer = new MachineAnalyzer(device);
        var closed = new List<MachineEvent>();
        var opened = new List<MachineEvent>();
        for (var i = 0; i < stream.Count; i++)
        {
            if (i == split)
            {
                analyzer = MachineAnalyzer.Restore(device, analyzer.SaveState());
            }

            analyzer.Observe(stream[i].Observation, stream[i].Instance);
            closed.AddRange(analyzer.TakeEvents());
            opened.AddRange(analyzer.TakeOpenEvents());
        }

        analyzer.Finish();
        closed.AddRange(analyzer.TakeEvents());
        Assert.Empty(analyzer.TakeOpenEvents());
        return (closed, opened);
    }
}
