using Mtc.Cloud.Plant;

namespace Mtc.Cloud.Summary;

/// <summary>How a summary splits its range.</summary>
internal enum BucketSize
{
    Hour,
    Day,
    Shift,
}

/// <summary>One bucket of a summary: [From, To) as UTC instants, and the shift it is an occurrence of (shift buckets only).</summary>
internal readonly record struct BucketRange(DateTimeOffset From, DateTimeOffset To, string? Shift = null);

/// <summary>
/// Where the buckets of a summary begin and end: the one place that knows about calendars. Hours and days follow the plant's
/// time zone; shifts its shift calendar.
/// </summary>
internal static class SummaryBuckets
{
    /// <summary>The buckets of [<paramref name="from"/>, <paramref name="to"/>) in plant time, the first and last cut to the range.</summary>
    public static IReadOnlyList<BucketRange> Ranges(DateTimeOffset from, DateTimeOffset to, BucketSize size, PlantCalendar plant)
    {
        if (size == BucketSize.Shift)
        {
            // Time outside every shift is in no shift bucket (it still counts in the range's totals and in day buckets).
            return plant.Occurrences(from, to)
                .Select(o => new BucketRange(o.From > from ? o.From : from, o.To < to ? o.To : to, o.Name)).ToList();
        }
        var boundaries = Boundaries(from, to, size, plant.Zone);
        return boundaries.Zip(boundaries.Skip(1)).Select(b => new BucketRange(b.First, b.Second)).ToList();
    }

    /// <summary>
    /// The range's start, every start of an hour or day (in <paramref name="zone"/>) strictly inside the range, and the range's
    /// end, in order: bucket k is [boundaries[k], boundaries[k + 1]). The first and last buckets are cut to the range. A day
    /// runs from local midnight to local midnight (23 or 25 h across a daylight-saving change; where midnight is skipped, from
    /// the end of the jump); an hour is always one hour of
    /// elapsed time that starts on a local hour, so the hour repeated when clocks go back is two buckets.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> Boundaries(DateTimeOffset from, DateTimeOffset to, BucketSize size, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfEqual((int)size, (int)BucketSize.Shift);
        return size == BucketSize.Hour ? HourBoundaries(from, to, zone) : DayBoundaries(from, to, zone);
    }

    private static List<DateTimeOffset> DayBoundaries(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        var boundaries = new List<DateTimeOffset> { from };
        var at = TimeZoneInfo.ConvertTime(from, zone).DateTime.Date;
        while (true)
        {
            at = at.AddDays(1);
            // In a zone whose clocks jump at midnight the day starts when the jump ends (Havana: 01:00 on 2026-03-08).
            var boundary = PlantCalendar.ToUtc(zone, at);
            if (boundary >= to)
            {
                break;
            }
            if (boundary > boundaries[^1])
            {
                boundaries.Add(boundary);
            }
        }
        boundaries.Add(to);
        return boundaries;
    }

    private static List<DateTimeOffset> HourBoundaries(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        var boundaries = new List<DateTimeOffset> { from };
        var at = LocalHourStart(from.ToUniversalTime(), zone);
        while (true)
        {
            // One hour of elapsed time, then back to the local hour's start in zones whose offset changes by less than an hour.
            var next = LocalHourStart(at.AddHours(1), zone);
            at = next > at ? next : at.AddHours(1);
            if (at >= to)
            {
                break;
            }
            if (at > boundaries[^1])
            {
                boundaries.Add(at);
            }
        }
        boundaries.Add(to);
        return boundaries;
    }

    /// <summary>The start of the local hour that holds <paramref name="at"/>, as a UTC instant.</summary>
    private static DateTimeOffset LocalHourStart(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return (at - TimeSpan.FromTicks(local.DateTime.Ticks % TimeSpan.TicksPerHour)).ToUniversalTime();
    }
}
