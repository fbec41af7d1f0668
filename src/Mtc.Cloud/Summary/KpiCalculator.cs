using Mtc.Cloud.Storage;
using Mtc.Core.Analytics;

namespace Mtc.Cloud.Summary;

/// <summary>
/// The numbers of a summary, computed in C# over the rows <see cref="MachineActivity"/> loaded, so that both stores give the
/// same answer and a bucket is the same computation over a shorter range.
/// </summary>
internal static class KpiCalculator
{
    /// <summary>The numbers of <paramref name="machines"/> together over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static Kpis Compute(IReadOnlyList<MachineActivity> machines, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now) =>
        Finish(machines.Select(m => Tally(m, from, to)), machines.Count, from, to, now);

    /// <summary>What one machine's rows add to a summary over [<paramref name="from"/>, <paramref name="to"/>), clipped to it.</summary>
    public static Tally Tally(MachineActivity m, DateTimeOffset from, DateTimeOffset to)
    {
        var t = new Tally();
        foreach (var segment in m.Timeline)
        {
            var seconds = Overlap(segment.Start, segment.End, from, to);
            if (seconds > 0)
            {
                t.SecondsByStatus[segment.Status] = t.SecondsByStatus.GetValueOrDefault(segment.Status) + seconds;
            }
        }
        t.SetupSeconds = UnionSeconds(m.Setups, from, to);
        t.AlarmSeconds = UnionSeconds(m.Alarms, from, to);
        t.AlarmCount = m.Alarms.Count(a => a.Start >= from && a.Start < to);
        t.Parts = m.Parts.Where(p => p.At >= from && p.At < to).Sum(p => p.Count);
        foreach (var cycle in m.Cycles.Where(c => c.Start >= from && c.Start < to))
        {
            t.Durations.Add(cycle.DurationSeconds);
            if (t.LastCycle is not { } last || cycle.Start > last.Start)
            {
                t.LastCycle = (cycle.Start, cycle.DurationSeconds);
            }
            switch (cycle.Completion?.ToLowerInvariant())
            {
                case CycleCompletion.Completed:
                    t.Completed++;
                    break;
                case CycleCompletion.Aborted:
                    t.Aborted++;
                    break;
                case CycleCompletion.Partial:
                    t.Partial++;
                    break;
                default:
                    t.Other++;
                    break;
            }
        }
        return t;
    }

    /// <summary>
    /// The numbers of <paramref name="machineCount"/> machines over [<paramref name="from"/>, <paramref name="to"/>) from the
    /// tallies of stretches that cover it without overlapping, in order (machine by machine, each in time order).
    /// </summary>
    public static Kpis Finish(IEnumerable<Tally> tallies, int machineCount, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var sum = new Tally();
        foreach (var t in tallies)
        {
            sum.Add(t);
        }
        var byStatus = MachineStatus.All.ToDictionary(s => s, s => sum.SecondsByStatus.GetValueOrDefault(s), StringComparer.Ordinal);
        foreach (var (status, seconds) in sum.SecondsByStatus)
        {
            byStatus[status] = seconds;
        }
        var passed = Seconds(from, now < to ? now : to);
        double elapsed = 0;
        for (var i = 0; i < machineCount; i++)
        {
            elapsed += passed;
        }
        var durations = sum.Durations;
        var mean = durations.Count == 0 ? (double?)null : durations.Average();
        durations.Sort();
        return new Kpis
        {
            From = from,
            To = to,
            ElapsedSeconds = elapsed,
            SecondsByStatus = byStatus,
            Utilization = elapsed > 0 ? byStatus[MachineStatus.Active] / elapsed : null,
            Parts = sum.Parts,
            Cycles = new CycleCounts(sum.Completed, sum.Aborted, sum.Partial, sum.Other),
            MeanCycleSeconds = mean,
            MedianCycleSeconds = durations.Count == 0 ? null : SqlCloudStore.Percentile(durations, 0.5),
            LastCycleSeconds = sum.LastCycle?.Seconds,
            AlarmCount = sum.AlarmCount,
            AlarmSeconds = sum.AlarmSeconds,
            SetupSeconds = sum.SetupSeconds,
        };
    }

    /// <summary>The range's numbers and, when <paramref name="buckets"/> are given, those of each bucket.</summary>
    public static (Kpis Totals, IReadOnlyList<Kpis>? Buckets) ComputeWithBuckets(
        IReadOnlyList<MachineActivity> machines, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now,
        IReadOnlyList<BucketRange>? buckets)
    {
        var totals = Compute(machines, from, to, now);
        if (buckets is null)
        {
            return (totals, null);
        }
        var indexes = machines.Select(Index.Of).ToList();
        return (totals, buckets
            .Select(b => Compute(indexes.Select(i => i.Slice(b.From, b.To)).ToList(), b.From, b.To, now) with { Shift = b.Shift }).ToList());
    }

    /// <summary>A machine's rows indexed by time, cut to what may touch a bucket; <see cref="Compute"/> clips exactly.</summary>
    internal sealed record Index(
        TimeIndex<Machines.TimelineApi.Segment> Timeline, TimeIndex<Span> Setups, TimeIndex<Span> Alarms, TimeIndex<PartCount> Parts,
        TimeIndex<CycleRow> Cycles)
    {
        public static Index Of(MachineActivity m) => new(
            new(m.Timeline, s => s.Start, s => s.End), new(m.Setups, s => s.Start, s => s.End), new(m.Alarms, s => s.Start, s => s.End),
            new(m.Parts, p => p.At, p => p.At), new(m.Cycles, c => c.Start, c => c.Start));

        public MachineActivity Slice(DateTimeOffset from, DateTimeOffset to) => new(
            Timeline.Touching(from, to), Setups.Touching(from, to), Alarms.Touching(from, to), Parts.Touching(from, to), Cycles.Touching(from, to));
    }

    private static double Seconds(DateTimeOffset from, DateTimeOffset to) => to > from ? (to - from).TotalSeconds : 0;

    private static double Overlap(DateTimeOffset start, DateTimeOffset end, DateTimeOffset from, DateTimeOffset to) =>
        Seconds(start > from ? start : from, end < to ? end : to);

    /// <summary>The seconds of the range covered by at least one of the spans (overlapping spans count once).</summary>
    private static double UnionSeconds(IReadOnlyList<Span> spans, DateTimeOffset from, DateTimeOffset to)
    {
        double total = 0;
        DateTimeOffset? coveredTo = null;
        foreach (var s in spans.Where(s => s.Start < to && s.End > from).OrderBy(s => s.Start))
        {
            var start = s.Start > from ? s.Start : from;
            var end = s.End < to ? s.End : to;
            if (coveredTo is { } c && start < c)
            {
                start = c;
            }
            if (end > start)
            {
                total += (end - start).TotalSeconds;
                coveredTo = end;
            }
        }
        return total;
    }
}
