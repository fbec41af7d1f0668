using Mtc.Core.Analytics;

namespace Mtc.Core.Tests.Analytics;

/// <summary>
/// The okuma log: four recordings joined end to end, each with one ACTIVE→PROGRAM_COMPLETED cycle; timestamps
/// jump backwards where they join. Expectations come from a separate scan of the raw lines.
/// </summary>
public sealed class OkumaGoldenTests
{
    private static readonly Lazy<AnalysisRun> Run = new(() => RealLogs.Analyze(RealLogs.OkumaLog, OkumaDevice()));

    private static Mtc.Core.Model.Device OkumaDevice() => RealLogs.Device(RealLogs.OkumaDevices, "OKUMA");

    [Fact]
    public void Finds_the_four_recorded_cycles_with_their_programs_and_parts()
    {
        // Raw scan: each pexecution ACTIVE up to the next PROGRAM_COMPLETED, with the last pprogram before it.
        var expected = new List<(DateTime Start, DateTime End, string Program)>();
        string? program = null;
        DateTime? start = null;
        foreach (var fields in RealLogs.RawDataLines(RealLogs.OkumaLog))
        {
            var time = RealLogs.Time(fields[0]);
            for (var i = 1; i + 1 < fields.Length; i += 2)
            {
                switch (fields[i], fields[i + 1])
                {
                    case ("pprogram", var p):
                        program = p;
                        break;
                    case ("pexecution", "ACTIVE"):
                        start = time;
                        break;
                    case ("pexecution", "PROGRAM_COMPLETED") when start is not null:
                        expected.Add((start.Value, time, program!));
                        start = null;
                        break;
                }
            }
        }

        Assert.Equal(4, expected.Count);
        var cycles = Run.Value.Cycles;
        Assert.Equal(expected.Count, cycles.Count);
        foreach (var (cycle, want) in cycles.Zip(expected))
        {
            Assert.Equal(want.Start, cycle.Start);
            Assert.Equal(want.End, cycle.End);
            Assert.Equal(want.Program, cycle.Program);
            Assert.Equal((want.End - want.Start).TotalSeconds, cycle.DurationSeconds, 6);
            Assert.Equal(cycle.DurationSeconds, cycle.ActiveSeconds, 6); // no holds in these recordings
            Assert.Equal(1, cycle.Parts);
            Assert.Equal(CycleCompletion.Completed, cycle.Completion);
        }
    }

    [Fact]
    public void Status_seconds_add_up_to_the_counted_span_across_the_backward_joins()
    {
        // Independent clock: forward steps count; a step back over a minute re-anchors; a smaller one holds.
        double span = 0;
        DateTime? clock = null;
        var anchors = 0;
        foreach (var fields in RealLogs.RawDataLines(RealLogs.OkumaLog))
        {
            var time = RealLogs.Time(fields[0]);
            if (clock is null || time > clock)
            {
                span += clock is null ? 0 : (time - clock.Value).TotalSeconds;
                clock = time;
            }
            else if ((clock.Value - time).TotalMinutes > 1)
            {
                anchors++;
                clock = time;
            }
        }

        Assert.Equal(2, anchors); // the two joins that go back in time
        var statuses = Run.Value.Statuses;
        Assert.Equal(span, statuses.Sum(s => s.Seconds), 3);
        Assert.Equal(span, MachineStatus.All.Sum(Run.Value.StatusSeconds), 3);
        Assert.Equal(Run.Value.Cycles.Sum(c => c.ActiveSeconds), Run.Value.StatusSeconds(MachineStatus.Active), 3);
        Assert.Equal(0, Run.Value.StatusSeconds(MachineStatus.Offline));
    }

    [Fact]
    public void Parts_are_the_counter_deltas_with_resets_counted_from_zero()
    {
        long? last = null;
        long parts = 0;
        foreach (var fields in RealLogs.RawDataLines(RealLogs.OkumaLog))
        {
            for (var i = 1; i + 1 < fields.Length; i += 2)
            {
                if (fields[i] == "ppartcount" && long.TryParse(fields[i + 1], out var value))
                {
                    parts += last is null ? 0 : value >= last ? value - last.Value : value;
                    last = value;
                }
            }
        }

        Assert.Equal(parts, Run.Value.Analyzer.Snapshot().TotalParts);
        Assert.Equal(parts, Run.Value.Parts.Sum(p => p.Count));
        Assert.Equal(last, Run.Value.Analyzer.Snapshot().PartCount);
    }

    [Fact]
    public void Splitting_the_log_anywhere_with_a_saved_state_gives_the_same_events()
    {
        var device = OkumaDevice();
        var stream = RealLogs.OneInstance(RealLogs.Observations(RealLogs.OkumaLog, device));
        var expected = Run.Value.Events;
        var step = stream.Count / 97; // about a hundred split points, none aligned with line structure
        for (var split = 0; split <= stream.Count; split += step)
        {
            Assert.Equal(expected, RealLogs.RunSplitAt(device, stream, split));
        }
    }

}
