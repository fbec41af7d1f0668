using Mtc.Core.Analytics;

namespace Mtc.Core.Tests.Analytics;

/// <summary>
/// <see cref="MachineAnalyzer.Tick"/>: a source alive without a new observation moves the machine's clock on from its last
/// observation, so what is running is announced and time-driven rules fire without waiting for the next observation.
/// </summary>
public sealed class TickTests
{
    private static MachineAnalyzer Feed(SyntheticMachine machine, AnalyticsOptions? options = null)
    {
        var analyzer = new MachineAnalyzer(machine.Device, options);
        foreach (var (observation, instance) in machine.Stream)
        {
            analyzer.Observe(observation, instance);
        }
        return analyzer;
    }

    [Fact]
    public void A_tick_announces_the_interval_running_since_the_last_observation()
    {
        var analyzer = Feed(new SyntheticMachine().At(0).Ready().At(10).Set("exec", "ACTIVE"));
        analyzer.TakeEvents();
        Assert.DoesNotContain(analyzer.TakeOpenEvents(), e => e is StatusInterval { Status: MachineStatus.Active });

        analyzer.Tick(TimeSpan.FromSeconds(5));
        var active = Assert.Single(analyzer.TakeOpenEvents().OfType<StatusInterval>(), s => s.Status == MachineStatus.Active);
        Assert.Equal(SyntheticMachine.T0.AddSeconds(10), active.Start);
        Assert.Equal(5, active.Seconds);
        Assert.Equal(5, analyzer.StatusSeconds()[MachineStatus.Active]);

        // Ticks measure from the last observation: a later one with less elapsed, or a repeat, moves nothing.
        analyzer.Tick(TimeSpan.FromSeconds(3));
        analyzer.Tick(TimeSpan.FromSeconds(5));
        Assert.Equal(5, analyzer.StatusSeconds()[MachineStatus.Active]);
        Assert.Empty(analyzer.TakeOpenEvents());
    }

    [Fact]
    public void A_counter_only_machine_turns_idle_on_a_tick_as_it_would_at_its_next_count()
    {
        var options = new AnalyticsOptions { CounterIdleAfter = TimeSpan.FromMinutes(10) };
        var counts = new SyntheticMachine(SyntheticMachine.CounterOnlyDevice()).At(0).Set("pc", "1").At(10).Set("pc", "2");
        var analyzer = Feed(counts, options);
        analyzer.TakeEvents();
        analyzer.TakeOpenEvents();

        analyzer.Tick(TimeSpan.FromMinutes(11));
        var ended = analyzer.TakeEvents().OfType<StatusInterval>().ToList();
        var active = Assert.Single(ended, s => s.Status == MachineStatus.Active);
        Assert.Equal(SyntheticMachine.T0.AddSeconds(10).AddMinutes(10), active.End);
        var idle = Assert.Single(analyzer.TakeOpenEvents().OfType<StatusInterval>(), s => s.Status == MachineStatus.Idle);
        Assert.Equal(active.End, idle.Start);

        // The same as the next count at 1,000 s says without a tick.
        var without = new SyntheticMachine(SyntheticMachine.CounterOnlyDevice()).At(0).Set("pc", "1").At(10).Set("pc", "2").At(1000).Set("pc", "3")
            .Run(options);
        Assert.Equal(active.End, without.Statuses.Single(s => s.Status == MachineStatus.Active && s.Start == active.Start).End);
    }

    [Fact]
    public void A_tick_before_any_live_observation_or_after_the_end_does_nothing()
    {
        var fresh = new MachineAnalyzer(new SyntheticMachine().Device);
        fresh.Tick(TimeSpan.FromMinutes(1));
        Assert.Empty(fresh.TakeOpenEvents());
        var finished = Feed(new SyntheticMachine().At(0).Ready().At(10).Set("exec", "ACTIVE"));
        finished.Finish();
        finished.Tick(TimeSpan.FromMinutes(1));
        Assert.Empty(finished.TakeOpenEvents());
    }
}
