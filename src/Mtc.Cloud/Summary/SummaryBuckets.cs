namespace Mtc.Cloud.Summary;

/// <summary>How long the buckets of a summary are.</summary>
internal enum BucketSize
{
    Hour,
    Day,
}

/// <summary>
/// Where the buckets of a summary begin and end. The one place that knows about calendars: today the buckets are UTC hours
/// and days; a plant's time zone plugs in as the zone given to <see cref="Boundaries"/>.
/// </summary>
internal static class SummaryBuckets
{
    /// <summary>
    /// The range's start, every start of an hour or day (in <paramref name="zone"/>) strictly inside the range, and the range's
    /// end, in order: bucket k is [boundaries[k], boundaries[k + 1]). The first and last buckets are cut to the range. A local
    /// time skipped by a daylight-saving change is no boundary; a repeated one is taken at its first occurrence.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> Boundaries(DateTimeOffset from, DateTimeOffset to, BucketSize size, TimeZoneInfo zone)
    {
        var boundaries = new List<DateTimeOffset> { from };
        var local = TimeZoneInfo.ConvertTime(from, zone).DateTime;
        var at = size == BucketSize.Hour
            ? new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified)
            : local.Date;
        while (true)
        {
            at = size == BucketSize.Hour ? at.AddHours(1) : at.AddDays(1);
            if (zone.IsInvalidTime(at))
            {
                continue;
            }
            var offset = zone.IsAmbiguousTime(at) ? zone.GetAmbiguousTimeOffsets(at).Max() : zone.GetUtcOffset(at);
            var boundary = new DateTimeOffset(at, offset).ToUniversalTime();
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
}
