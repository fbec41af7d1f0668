using Mtc.Cloud.Summary;

namespace Mtc.Cloud.Tests.Summary;

/// <summary>Bucket boundaries: UTC now, and the time zone a plant will plug in later (daylight-saving days included).</summary>
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
        // The night the clocks go back has one bucket per local hour: 02:00-03:00 local is passed twice, so its bucket is 2 h.
        var night = SummaryBuckets.Boundaries(Utc("2026-10-24T23:00:00Z"), Utc("2026-10-25T03:00:00Z"), BucketSize.Hour, berlin);
        Assert.Equal(["2026-10-24T23:00Z", "2026-10-25T00:00Z", "2026-10-25T02:00Z", "2026-10-25T03:00Z"], Format(night));
    }
}
