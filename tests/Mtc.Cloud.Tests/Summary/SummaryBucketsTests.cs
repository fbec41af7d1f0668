using Mtc.Cloud.Summary;

namespace Mtc.Cloud.Tests.Summary;

/// <summary>Bucket boundaries in UTC and in a plant's time zone (daylight-saving days included).</summary>
public sealed class SummaryBucketsTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Format(IReadOnlyList<DateTimeOffset> boundaries) =>
        boundaries.Select(b => b.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void Utc_hours_cut_the_first_and_last_bucket_to_the_range()
    {
        var b = SummaryBuckets.Boundaries(Utc("2026-11-27T08:30:00Z"), Utc("2026-11-27T11:15:00Z"), BucketSize.Hour, TimeZoneInfo.Utc);
        Assert.Equal(["2026-11-27T08:30Z", "2026-11-27T09:00Z", "2026-11-27T10:00Z", "2026-11-27T11:00Z", "2026-11-27T11:15Z"], Format(b));
    }

    [Fact]
    public void A_range_on_whole_days_has_one_bucket_per_day()
    {
        var b = SummaryBuckets.Boundaries(Utc("2026-11-01T00:00:00Z"), Utc("2026-11-04T00:00:00Z"), BucketSize.Day, TimeZoneInfo.Utc);
        Assert.Equal(["2026-11-01T00:00Z", "2026-11-02T00:00Z", "2026-11-03T00:00Z", "2026-11-04T00:00Z"], Format(b));
    }

    [Fact]
    public void A_plant_time_zone_puts_days_at_local_midnight_and_the_daylight_saving_days_are_23_and_25_hours()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        // Clocks go forward on 2026-03-29 (a 23 h day) and back on 2026-10-25 (a 25 h day).
        var spring = SummaryBuckets.Boundaries(Utc("2026-03-28T00:00:00Z"), Utc("2026-03-31T00:00:00Z"), BucketSize.Day, berlin);
        Assert.Equal(["2026-03-28T00:00Z", "2026-03-28T23:00Z", "2026-03-29T22:00Z", "2026-03-30T22:00Z", "2026-03-31T00:00Z"], Format(spring));
        var autumn = SummaryBuckets.Boundaries(Utc("2026-10-24T22:00:00Z"), Utc("2026-10-26T23:00:00Z"), BucketSize.Day, berlin);
        Assert.Equal(["2026-10-24T22:00Z", "2026-10-25T23:00Z", "2026-10-26T23:00Z"], Format(autumn));
        // The night the clocks go back: an hour bucket is still one hour, so 02:00-03:00 local, passed twice, is two buckets.
        var night = SummaryBuckets.Boundaries(Utc("2026-10-24T23:00:00Z"), Utc("2026-10-25T03:00:00Z"), BucketSize.Hour, berlin);
        Assert.Equal(["2026-10-24T23:00Z", "2026-10-25T00:00Z", "2026-10-25T01:00Z", "2026-10-25T02:00Z", "2026-10-25T03:00Z"], Format(night));
        // And the night they go forward has no 02:00 local: 01:00 CET is followed by 03:00 CEST one hour later.
        var springNight = SummaryBuckets.Boundaries(Utc("2026-03-28T23:30:00Z"), Utc("2026-03-29T02:00:00Z"), BucketSize.Hour, berlin);
        Assert.Equal(["2026-03-28T23:30Z", "2026-03-29T00:00Z", "2026-03-29T01:00Z", "2026-03-29T02:00Z"], Format(springNight));
    }

    [Fact]
    public void Hours_start_on_local_hours_in_a_zone_with_a_half_hour_offset()
    {
        var india = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var b = SummaryBuckets.Boundaries(Utc("2026-11-27T08:00:00Z"), Utc("2026-11-27T10:00:00Z"), BucketSize.Hour, india);
        Assert.Equal(["2026-11-27T08:00Z", "2026-11-27T08:30Z", "2026-11-27T09:30Z", "2026-11-27T10:00Z"], Format(b));
    }
}
