using System.Globalization;
using Mtc.Cloud.Plant;
using Mtc.Cloud.Summary;

namespace Mtc.Cloud.Tests.Plant;

/// <summary>Local shift and day times as UTC instants where the clock jumps: inside a gap, at a repeated hour, at midnight.</summary>
public sealed class PlantCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static string Z(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static PlantCalendar Calendar(TimeZoneInfo zone, params Shift[] shifts) => new(zone.Id, zone, shifts);

    private static Shift Shift(string name, string start, double hours) =>
        new(name, TimeOnly.Parse(start, CultureInfo.InvariantCulture), TimeSpan.FromHours(hours), null);

    [Fact]
    public void A_shift_that_starts_in_the_skipped_hour_starts_when_the_gap_ends_and_one_inside_it_does_not_happen()
    {
        var plant = Calendar(Berlin, Shift("odd", "02:30", 4), Shift("inside", "02:00", 0.5));
        var spring = plant.Occurrences(Utc("2026-03-28T23:00:00Z"), Utc("2026-03-29T22:00:00Z"));
        // 02:30 does not exist on 2026-03-29: the shift starts at 03:00 CEST (01:00Z) and ends at 06:30 CEST; 02:00-02:30 is empty.
        var odd = Assert.Single(spring);
        Assert.Equal(("odd", "2026-03-29T01:00Z", "2026-03-29T04:30Z"), (odd.Name, Z(odd.From), Z(odd.To)));
        // A day without the change: 4 h and 30 min as written.
        var plain = plant.Occurrences(Utc("2026-03-27T23:00:00Z"), Utc("2026-03-28T23:00:00Z"));
        Assert.Equal([("inside", "2026-03-28T01:00Z", "2026-03-28T01:30Z"), ("odd", "2026-03-28T01:30Z", "2026-03-28T05:30Z")],
            plain.Select(o => (o.Name, Z(o.From), Z(o.To))));
    }

    [Fact]
    public void A_repeated_local_time_is_its_first_occurrence_and_24_00_is_the_next_midnight()
    {
        var plant = Calendar(Berlin, Shift("to half past two", "00:00", 2.5), Shift("rest", "02:30", 21.5));
        var autumn = plant.Occurrences(Utc("2026-10-24T22:00:00Z"), Utc("2026-10-25T23:00:00Z"));
        // 02:30 happens twice on 2026-10-25; the first (CEST, 00:30Z) is taken, so the rest of the day is 22.5 h long.
        Assert.Equal([("to half past two", "2026-10-24T22:00Z", "2026-10-25T00:30Z"), ("rest", "2026-10-25T00:30Z", "2026-10-25T23:00Z")],
            autumn.Select(o => (o.Name, Z(o.From), Z(o.To))));
    }

    [Fact]
    public void Where_clocks_jump_at_midnight_the_day_starts_when_the_jump_ends()
    {
        // Havana skips 00:00-01:00 on 2026-03-08: that day runs from 01:00 CDT (05:00Z) and is 23 h; the day before is 24 h.
        var havana = TimeZoneInfo.FindSystemTimeZoneById("America/Havana");
        var plant = Calendar(havana, Shift("day", "00:00", 24));
        var (from, to) = plant.Day(Utc("2026-03-08T12:00:00Z"));
        Assert.Equal(("2026-03-08T05:00Z", "2026-03-09T04:00Z"), (Z(from), Z(to)));
        var days = SummaryBuckets.Boundaries(Utc("2026-03-07T05:00:00Z"), Utc("2026-03-09T04:00:00Z"), BucketSize.Day, havana);
        Assert.Equal(["2026-03-07T05:00Z", "2026-03-08T05:00Z", "2026-03-09T04:00Z"], days.Select(Z));
        Assert.Equal(("day", "2026-03-08T05:00Z"), plant.CurrentShift(Utc("2026-03-08T12:00:00Z")) is { } s ? (s.Name, Z(s.From)) : default);
    }

    [Fact]
    public void Outside_every_shift_there_is_no_current_shift()
    {
        var plant = Calendar(Berlin, new Shift("weekday", new TimeOnly(6, 0), TimeSpan.FromHours(8), new HashSet<DayOfWeek> { DayOfWeek.Monday }));
        Assert.Null(plant.CurrentShift(Utc("2026-11-29T08:00:00Z")));
        Assert.Equal("weekday", plant.CurrentShift(Utc("2026-11-30T08:00:00Z"))?.Name);
        Assert.Null(plant.CurrentShift(Utc("2026-11-30T13:00:00Z")));
    }
}
