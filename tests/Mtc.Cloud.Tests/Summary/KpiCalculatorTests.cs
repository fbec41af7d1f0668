using Mtc.Cloud.Machines;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Summary;

namespace Mtc.Cloud.Tests.Summary;

/// <summary>The bucketed numbers (rows found through the time index) against the plain computation over every row.</summary>
public sealed class KpiCalculatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>92 days of 7-minute status intervals and cycles, parts, overlapping alarms and setups of many lengths.</summary>
    private static MachineActivity Busy()
    {
        var n = 92 * 24 * 60 / 7;
        var random = new Random(7);
        var timeline = Enumerable.Range(0, n).Select(i => new TimelineApi.Segment(T0.AddMinutes(7 * i), T0.AddMinutes((7 * i) + 7),
            (i % 3) switch { 0 => "ACTIVE", 1 => "IDLE", _ => "ALARM" }, "derived")).ToList();
        var cycles = Enumerable.Range(0, n).Select(i => new CycleRow(i, "c" + i, T0.AddMinutes(7 * i), T0.AddMinutes((7 * i) + 5),
            random.Next(60, 600), null, null, null, 1, (i % 4) switch { 0 => "completed", 1 => "aborted", 2 => "partial", _ => null })).ToList();
        var parts = Enumerable.Range(0, n).Select(i => new PartCount(T0.AddMinutes((7 * i) + 5), random.Next(0, 3))).ToList();
        var alarms = Enumerable.Range(0, 3000).Select(_ => T0.AddMinutes(random.Next(0, 92 * 24 * 60)))
            .Select(s => new Span(s, s.AddMinutes(random.Next(0, 600)))).ToList();
        var setups = Enumerable.Range(0, 200).Select(_ => T0.AddMinutes(random.Next(0, 92 * 24 * 60)))
            .Select(s => new Span(s, s.AddMinutes(random.Next(0, 3000)))).ToList();
        return new MachineActivity(timeline, setups, alarms, parts, cycles);
    }

    [Fact]
    public void Hour_buckets_over_92_days_equal_the_plain_computation_per_bucket_and_add_up_to_the_range()
    {
        var machines = new[] { Busy(), Busy() };
        var from = T0.AddMinutes(13);
        var to = T0.AddDays(92);
        var now = T0.AddDays(50).AddMinutes(30);
        var boundaries = SummaryBuckets.Boundaries(from, to, BucketSize.Hour, TimeZoneInfo.Utc);
        var (totals, buckets) = KpiCalculator.ComputeWithBuckets(machines, from, to, now,
            boundaries.Zip(boundaries.Skip(1)).Select(b => new BucketRange(b.First, b.Second)).ToList());
        Assert.Equal(boundaries.Count - 1, buckets!.Count);
        for (var k = 0; k < buckets.Count; k += 37)
        {
            var plain = KpiCalculator.Compute(machines, boundaries[k], boundaries[k + 1], now);
            Assert.Equal(plain with { SecondsByStatus = buckets[k].SecondsByStatus }, buckets[k]);
            Assert.Equal(plain.SecondsByStatus, buckets[k].SecondsByStatus);
        }
        Assert.Equal(totals.Parts, buckets.Sum(b => b.Parts));
        Assert.Equal(totals.AlarmCount, buckets.Sum(b => b.AlarmCount));
        Assert.Equal(totals.Cycles.Completed + totals.Cycles.Aborted + totals.Cycles.Partial + totals.Cycles.Other,
            buckets.Sum(b => b.Cycles.Completed + b.Cycles.Aborted + b.Cycles.Partial + b.Cycles.Other));
        Assert.Equal(totals.SecondsByStatus["ACTIVE"], buckets.Sum(b => b.SecondsByStatus["ACTIVE"]), 3);
        Assert.Equal(totals.ElapsedSeconds, buckets.Sum(b => b.ElapsedSeconds), 3);
        Assert.True(totals.Cycles.Partial > 0 && totals.Cycles.Other > 0);
        // Nothing elapses after now: the buckets after it have no utilization.
        Assert.Null(buckets[^1].Utilization);
    }
}
