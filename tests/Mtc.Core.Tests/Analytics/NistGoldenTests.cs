using Mtc.Core.Analytics;

namespace Mtc.Core.Tests.Analytics;

/// <summary>
/// The NIST Mazak01 day log: it opens with last-known values stamped days or weeks before the day, its adapter
/// drops and reconnects every half hour or so (everything UNAVAILABLE, then the current values), and its
/// Availability item is stale (UNAVAILABLE since January). Expectations come from separate scans of the raw lines.
/// </summary>
public sealed class NistGoldenTests
{
    private static readonly Lazy<AnalysisRun> Run = new(() => RealLogs.Analyze(RealLogs.NistLog, NistDevice()));
    private static readonly Lazy<List<string[]>> Lines = new(() => RealLogs.RawDataLines(RealLogs.NistLog));

    private static Mtc.Core.Model.Device NistDevice() => RealLogs.Device(RealLogs.NistDevices, "Mazak01");

    [Fact]
    public void The_timeline_starts_with_the_day_not_with_the_stale_opening_values()
    {
        var firstOfDay = Lines.Value.Select(f => RealLogs.Time(f[0])).First(t => t.Date == new DateTime(2017, 6, 22));
        var last = Lines.Value.Select(f => RealLogs.Time(f[0])).Max();
        Assert.True(Lines.Value.Select(f => RealLogs.Time(f[0])).Min() < firstOfDay.AddDays(-30)); // the log does open stale

        var run = Run.Value;
        Assert.Equal(firstOfDay, run.Statuses[0].Start);
        Assert.Equal(firstOfDay, run.Analyzer.Snapshot().TimelineStart);
        // Only sub-second jitter goes backwards in this log, so the counted span is last minus first.
        Assert.Equal((last - firstOfDay).TotalSeconds, run.Statuses.Sum(s => s.Seconds), 3);
        Assert.All(run.Events, e => Assert.True(e.Start >= firstOfDay, $"{e.Id} starts before the day"));
    }

    [Fact]
    public void Active_and_offline_seconds_are_the_time_execution_was_active_and_unavailable()
    {
        // Each execution value holds until the next one (jitter backwards counts nothing); the stale
        // Availability never outvotes a reporting control, and there are no faults or declared setups.
        // The value stamped before the day is in force from the day's first line.
        var seconds = new Dictionary<string, double>();
        (DateTime Time, string Value)? current = null;
        var firstOfDay = Lines.Value.Select(f => RealLogs.Time(f[0])).First(t => t.Date == new DateTime(2017, 6, 22));
        var clock = firstOfDay;
        foreach (var fields in Lines.Value)
        {
            var time = RealLogs.Time(fields[0]);
            clock = time > clock ? time : clock;
            if (fields[1] != "execution")
            {
                continue;
            }

            if (current is { } c)
            {
                seconds[c.Value] = seconds.GetValueOrDefault(c.Value) + Math.Max(0, (clock - c.Time).TotalSeconds);
            }

            current = (clock, fields[2]);
        }

        seconds[current!.Value.Value] = seconds.GetValueOrDefault(current.Value.Value) + (clock - current.Value.Time).TotalSeconds;

        var run = Run.Value;
        Assert.Equal(seconds["ACTIVE"], run.StatusSeconds(MachineStatus.Active), 3);
        Assert.Equal(seconds["UNAVAILABLE"], run.StatusSeconds(MachineStatus.Offline), 3);
        Assert.Equal(0, run.StatusSeconds(MachineStatus.Alarm));
        Assert.True(run.Cycles.Sum(c => c.ActiveSeconds) <= seconds["ACTIVE"] + 1e-6);
    }

    [Fact]
    public void Cycles_start_where_execution_leaves_a_stopped_state_in_automatic_and_end_on_an_execution_change()
    {
        // Raw scan: ACTIVE where the last value other than a hold or UNAVAILABLE was READY, STOPPED or
        // PROGRAM_COMPLETED, outside MANUAL and MDI modes (ACTIVE again after UNAVAILABLE continues the cycle).
        var starts = new List<DateTime>();
        var ends = new HashSet<DateTime>();
        string? mode = null, execution = null;
        foreach (var fields in Lines.Value)
        {
            switch (fields[1])
            {
                case "mode":
                    mode = fields[2];
                    break;
                case "execution":
                    var value = fields[2];
                    if (value == "ACTIVE" && execution is "READY" or "STOPPED" or "PROGRAM_COMPLETED" && mode is not ("MANUAL" or "MANUAL_DATA_INPUT"))
                    {
                        starts.Add(RealLogs.Time(fields[0]));
                    }

                    if (value is "READY" or "STOPPED" or "PROGRAM_COMPLETED" or "UNAVAILABLE")
                    {
                        ends.Add(RealLogs.Time(fields[0]));
                    }

                    if (value is "ACTIVE" or "READY" or "STOPPED" or "PROGRAM_COMPLETED")
                    {
                        execution = value;
                    }

                    break;
            }
        }

        var cycles = Run.Value.Cycles;
        Assert.Equal(starts, cycles.Select(c => c.Start));
        Assert.All(cycles, c => Assert.Contains(c.End!.Value, ends));
        Assert.All(cycles.Zip(cycles.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start));
        Assert.All(cycles, c => Assert.Equal(c.DurationSeconds, c.ActiveSeconds + c.InterruptedSeconds, 6));
        Assert.Contains(cycles, c => c.InterruptedSeconds > 0); // INTERRUPTED and FEED_HOLD inside cycles
        // Cycles spanning the adapter's reconnects are one cycle each, not one per connection.
        var reconnects = Lines.Value.Where(f => f[1] == "execution" && f[2] == "UNAVAILABLE").Select(f => RealLogs.Time(f[0])).ToList();
        Assert.Contains(cycles, c => reconnects.Count(r => r > c.Start && r < c.End) >= 2);
    }

    [Fact]
    public void Warnings_are_alarms_opened_and_closed_by_native_code()
    {
        var raised = Lines.Value.Count(f => f[1] is "logic_cond" or "system_cond" && f[2] == "Warning");
        var alarms = Run.Value.Alarms;
        Assert.NotEmpty(alarms);
        Assert.True(alarms.Count <= raised);
        Assert.All(alarms, a => Assert.Equal("WARNING", a.Level));
        Assert.All(alarms, a => Assert.False(string.IsNullOrEmpty(a.NativeCode)));
    }

    [Fact]
    public void Splitting_the_day_with_a_saved_state_gives_the_same_events()
    {
        var device = NistDevice();
        var stream = RealLogs.OneInstance(RealLogs.Observations(RealLogs.NistLog, device));
        var expected = Run.Value.Events;
        foreach (var split in Enumerable.Range(1, 12).Select(i => stream.Count * i / 13 + i))
        {
            Assert.Equal(expected, RealLogs.RunSplitAt(device, stream, split));
        }
    }

}
