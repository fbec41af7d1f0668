using System.Globalization;
using Mtc.Core.Analytics;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Analytics;

/// <summary>
/// Regression tests for what NIST test-bed day logs showed: each named after the effect, each on the real lines
/// (where a log in the test data has no instance of the effect, on the real day log with the observed distortion applied).
/// </summary>
public sealed class RealLogRulesTests
{
    private static readonly Lazy<List<string>> MazakLines = new(() => RealLogs.Lines(RealLogs.NistLog));
    private static Device Mazak01() => RealLogs.Device(RealLogs.NistDevices, "Mazak01");

    [Theory]
    [InlineData("GFAgie01", "GFAgie01-20161024-20161025.head.txt", "2016-10-24T11:29:06.069Z")]
    [InlineData("Mazak03", "Mazak03-20170417-20170418.head.txt", "2017-04-17T14:13:03.596Z")]
    public void Stale_UNAVAILABLE_groups_less_than_an_hour_apart_do_not_end_the_opening_snapshot(string machine, string file, string firstOfDay)
    {
        // Both logs open with last-known values in two groups minutes apart, days before the day's first data.
        var lines = RealLogs.Lines(RealLogs.Path("nist-smstestbed", "raw", machine, file));
        var device = RealLogs.Device(RealLogs.NistDevices, machine);
        var run = RealLogs.Analyze(RealLogs.Observations(lines, device), device);

        var dayStart = RealLogs.Time(firstOfDay);
        var last = lines.Select(l => RealLogs.Time(l.Split('|')[0])).Max();
        Assert.True(lines.Select(l => RealLogs.Time(l.Split('|')[0])).Min() < dayStart.AddDays(-2)); // the log does open stale
        Assert.Equal(dayStart, run.Analyzer.Snapshot().TimelineStart);
        Assert.Equal((last - dayStart).TotalSeconds, run.Statuses.Sum(s => s.Seconds), 3);
        Assert.All(run.Statuses, s => Assert.True(s.Start >= dayStart, $"{s.Status} from {s.Start:O}"));
    }

    [Fact]
    public void Adapter_disconnect_UNAVAILABLE_stamped_by_a_lagging_agent_clock_is_not_counted_twice()
    {
        // The day log with each disconnect's UNAVAILABLE lines stamped 150 s behind, as an agent whose clock lags the
        // machine's stamps them (138-164 s were seen).
        var lines = MazakLines.Value;
        var dayStart = lines.FindIndex(l => l.StartsWith("2017-06-22", StringComparison.Ordinal));
        var skewed = new List<string>(lines);
        var lastData = DateTime.MinValue;
        var moreOffline = 0.0;
        var disconnects = 0;
        for (var i = dayStart; i < lines.Count; i++)
        {
            var fields = lines[i].Split('|');
            var time = RealLogs.Time(fields[0]);
            if (fields.Length > 2 && fields[2] is "UNAVAILABLE" or "Unavailable")
            {
                if (!lines[i - 1].Contains("UNAVAILABLE", StringComparison.OrdinalIgnoreCase))
                {
                    disconnects++;
                    moreOffline += (time - lastData).TotalSeconds; // now OFFLINE from the last data, where the clock holds
                }

                skewed[i] = time.AddSeconds(-150).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) + lines[i][fields[0].Length..];
            }
            else
            {
                lastData = time > lastData ? time : lastData;
            }
        }

        Assert.True(disconnects >= 15, $"{disconnects} disconnects");
        var device = Mazak01();
        var original = RealLogs.Analyze(RealLogs.Observations(lines, device), device);
        var run = RealLogs.Analyze(RealLogs.Observations(skewed, device), device);

        var firstOfDay = RealLogs.Time(lines[dayStart].Split('|')[0]);
        Assert.Equal((lastData - firstOfDay).TotalSeconds, run.Statuses.Sum(s => s.Seconds), 3);
        Assert.InRange(run.StatusSeconds(MachineStatus.Offline), original.StatusSeconds(MachineStatus.Offline), original.StatusSeconds(MachineStatus.Offline) + moreOffline + 1e-3);
        Assert.Equal(original.Cycles.Select(c => c.Start), run.Cycles.Select(c => c.Start));
        Assert.All(run.Cycles, c => Assert.True(c.DurationSeconds <= (c.End!.Value - c.Start).TotalSeconds + 1e-3, $"{c.Id}: {c.DurationSeconds} s from {c.Start:O} to {c.End:O}"));
        Assert.All(run.Events, e => Assert.True(e.End >= e.Start, $"{e.Id} ends before it starts"));
        Assert.Equal(original.Alarms.Count, run.Alarms.Count);
    }

    [Fact]
    public void A_cycle_whose_program_arrives_31_ms_after_ACTIVE_opens_at_the_ACTIVE()
    {
        // Hurco01 sends Program_Status ACTIVE at 09:15:50.734 and the program name 31 ms later.
        var lines = RealLogs.Lines(RealLogs.HurcoLog).Select(l => l.Split('|')).ToList();
        var active = lines.First(f => f[1] == "Program_Status" && f[2] == "ACTIVE");
        var program = lines.First(f => f[1] == "Program_Name_Running" && f[2].Trim().Length > 0 && f[2] != "UNAVAILABLE");
        var gap = RealLogs.Time(program[0]) - RealLogs.Time(active[0]);
        Assert.InRange(gap.TotalMilliseconds, 1, 50);

        var device = RealLogs.Device(RealLogs.NistDevices, "Hurco01");
        var run = RealLogs.Analyze(RealLogs.Observations(RealLogs.Lines(RealLogs.HurcoLog), device), device);
        var cycle = Assert.Single(run.Cycles);
        Assert.Equal(RealLogs.Time(active[0]), cycle.Start);
        Assert.Equal(program[2], cycle.Program);
        Assert.Equal(run.StatusSeconds(MachineStatus.Active), cycle.ActiveSeconds, 3);
    }

    [Fact]
    public void A_Fault_inside_a_cycle_is_interrupted_time_not_active_time()
    {
        // "FEED OVERRIDE = 0 %" raised as a Fault for 60 s inside the day's longest run of execution ACTIVE.
        var lines = MazakLines.Value;
        var runs = new List<(DateTime From, DateTime To)>();
        DateTime? since = null;
        foreach (var fields in lines.Select(l => l.Split('|')).Where(f => f.Length > 2 && f[1] == "execution"))
        {
            var time = RealLogs.Time(fields[0]);
            if (since is { } from)
            {
                runs.Add((from, time));
            }

            since = fields[2] == "ACTIVE" ? time : null;
        }

        var longest = runs.MaxBy(r => r.To - r.From);
        Assert.True(longest.To - longest.From > TimeSpan.FromMinutes(3));
        var raised = longest.From.AddSeconds(60);
        var cleared = raised.AddSeconds(60);
        var edited = new List<string>(lines);
        Insert(edited, cleared, "|logic_cond|Normal|FOVR0|||");
        Insert(edited, raised, "|logic_cond|Fault|FOVR0|||FEED OVERRIDE = 0 %");

        var device = Mazak01();
        var original = RealLogs.Analyze(RealLogs.Observations(lines, device), device);
        var run = RealLogs.Analyze(RealLogs.Observations(edited, device), device);
        Assert.Equal(60, run.StatusSeconds(MachineStatus.Alarm), 3);
        var before = original.Cycles.Single(c => c.Start <= raised && c.End >= cleared);
        var after = run.Cycles.Single(c => c.Start <= raised && c.End >= cleared);
        Assert.Equal(before.DurationSeconds, after.DurationSeconds, 3);
        Assert.Equal(before.ActiveSeconds - 60, after.ActiveSeconds, 3);
        Assert.Equal(before.InterruptedSeconds + 60, after.InterruptedSeconds, 3);
        Assert.Equal(original.StatusSeconds(MachineStatus.Active) - 60, run.StatusSeconds(MachineStatus.Active), 3);
    }

    /// <summary>Inserts a line stamped <paramref name="time"/> after the last line stamped at or before it.</summary>
    private static void Insert(List<string> lines, DateTime time, string rest)
    {
        var at = lines.FindLastIndex(l => RealLogs.Time(l.Split('|')[0]) <= time) + 1;
        lines.Insert(at, time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + rest);
    }
}
