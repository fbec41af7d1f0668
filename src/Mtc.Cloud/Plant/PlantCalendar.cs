namespace Mtc.Cloud.Plant;

/// <summary>
/// One shift of the calendar: a name, a local start and a length in wall-clock time (an end at or before the start crosses
/// midnight), on the weekdays it starts on (null: every day).
/// </summary>
internal sealed record Shift(string Name, TimeOnly Start, TimeSpan Length, IReadOnlySet<DayOfWeek>? Days)
{
    /// <summary>The local end as written (<c>24:00</c> for a shift that ends at the next midnight).</summary>
    public string End => (Start.ToTimeSpan() + Length) is var end && end == TimeSpan.FromDays(1) ? "24:00"
        : TimeOnly.FromTimeSpan(TimeSpan.FromTicks(end.Ticks % TimeSpan.TicksPerDay)).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public bool StartsOn(DayOfWeek day) => Days is null || Days.Contains(day);
}

/// <summary>A shift's occurrence: the shift's name and its UTC instants, [From, To).</summary>
internal readonly record struct ShiftOccurrence(string Name, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// A tenant's plant time: its time zone and its shifts. Turns local calendar days and shift times into UTC instants; across
/// a daylight-saving change a day is 23 or 25 h and a shift over the change an hour shorter or longer.
/// </summary>
internal sealed record PlantCalendar(string TimeZoneId, TimeZoneInfo Zone, IReadOnlyList<Shift> Shifts)
{
    /// <summary>What a tenant that set nothing has: UTC and one shift, <c>day</c>, all day every day.</summary>
    public static readonly PlantCalendar Default = new("UTC", TimeZoneInfo.Utc, [new Shift("day", TimeOnly.MinValue, TimeSpan.FromDays(1), null)]);

    /// <summary>The instant a local wall-clock time names in the plant's zone; see <see cref="ToUtc(TimeZoneInfo, DateTime)"/>.</summary>
    public DateTimeOffset ToUtc(DateTime local) => ToUtc(Zone, local);

    /// <summary>
    /// The instant a local wall-clock time names: a time skipped by a clock change is the end of the gap (the first time that
    /// exists after it, so later local times never map to earlier instants and shifts that do not overlap on the clock never
    /// overlap in time); a repeated time is its first occurrence.
    /// </summary>
    public static DateTimeOffset ToUtc(TimeZoneInfo zone, DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Gaps start and end on whole minutes in every zone of the database; the longest skipped a day (Samoa, 2011).
            local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute));
            while (zone.IsInvalidTime(local))
            {
                local = local.AddMinutes(1);
            }
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The local calendar date of an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>The plant's calendar day that holds <paramref name="at"/>: local midnight to local midnight, as UTC instants.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Day(DateTimeOffset at)
    {
        var date = LocalDate(at);
        return (ToUtc(date.ToDateTime(TimeOnly.MinValue)), ToUtc(date.AddDays(1).ToDateTime(TimeOnly.MinValue)));
    }

    /// <summary>The occurrence of a shift started on a local date.</summary>
    public ShiftOccurrence Occurrence(Shift shift, DateOnly date)
    {
        var start = date.ToDateTime(shift.Start);
        return new ShiftOccurrence(shift.Name, ToUtc(start), ToUtc(start + shift.Length));
    }

    /// <summary>Every shift occurrence that overlaps [<paramref name="from"/>, <paramref name="to"/>), in order of start.</summary>
    public IReadOnlyList<ShiftOccurrence> Occurrences(DateTimeOffset from, DateTimeOffset to)
    {
        var list = new List<ShiftOccurrence>();
        // A shift is at most 24 h long, so one that touches the range started at most a day before its first local date.
        for (var date = LocalDate(from).AddDays(-1); date <= LocalDate(to); date = date.AddDays(1))
        {
            foreach (var shift in Shifts.Where(s => s.StartsOn(date.DayOfWeek)))
            {
                var o = Occurrence(shift, date);
                if (o.From < to && o.To > from && o.To > o.From)
                {
                    list.Add(o);
                }
            }
        }
        return list.OrderBy(o => o.From).ToList();
    }

    /// <summary>The shift occurrence running at <paramref name="at"/>, or null when it is outside every shift.</summary>
    public ShiftOccurrence? CurrentShift(DateTimeOffset at) =>
        Occurrences(at, at.AddTicks(1)).Where(o => o.From <= at && at < o.To).Select(o => (ShiftOccurrence?)o).FirstOrDefault();
}
