using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Plant;

/// <summary>A shift as the API writes it: <c>{"name": "early", "start": "06:00", "end": "14:00", "days": ["Mon"]}</c> (days null: every day).</summary>
internal sealed record PlantShift(string Name, string Start, string End, IReadOnlyList<string>? Days);

/// <summary>
/// Reads and checks the plant settings a client sends (every problem names its field), writes them back, and loads a tenant's
/// calendar from the store (the defaults when it set none).
/// </summary>
internal static class PlantSettingsJson
{
    public const string ExampleZone = "Europe/Berlin";
    private const int MaxShifts = 50, MaxName = 64;
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<PlantCalendar> LoadAsync(ICloudStore store, string tenant, CancellationToken ct)
    {
        if (await store.GetPlantSettingsAsync(tenant, ct).ConfigureAwait(false) is not { } row)
        {
            return PlantCalendar.Default;
        }
        // What was stored passed the checks below, so a failure here is a bug or a system without that zone any more.
        using var doc = JsonDocument.Parse(row.ShiftsJson);
        if (ParseShifts(doc.RootElement, out var shifts) is { } problem)
        {
            throw new InvalidOperationException($"The stored shifts of tenant {tenant} do not parse: {problem.ProblemDetails.Detail}");
        }
        return new PlantCalendar(row.TimeZone, TimeZoneInfo.FindSystemTimeZoneById(row.TimeZone), shifts!);
    }

    public static string ShiftsJson(PlantCalendar calendar) => JsonSerializer.Serialize(Write(calendar), Json);

    public static IReadOnlyList<PlantShift> Write(PlantCalendar calendar) => calendar.Shifts
        .Select(s => new PlantShift(s.Name, s.Start.ToString("HH:mm", CultureInfo.InvariantCulture), s.End,
            s.Days is null ? null : Enumerable.Range(1, 7).Select(d => (DayOfWeek)(d % 7)).Where(s.Days.Contains).Select(d => DayNames[(int)d]).ToList()))
        .ToList();

    /// <summary>The whole body, <c>{"timeZone": "...", "shifts": [...]}</c>, checked before anything is stored.</summary>
    public static ProblemHttpResult? Parse(JsonElement root, out PlantCalendar? calendar)
    {
        calendar = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("The body must be an object with \"timeZone\" and \"shifts\".", Problems.Field("timeZone"));
        }
        var id = root.TryGetProperty("timeZone", out var z) && z.ValueKind == JsonValueKind.String ? z.GetString() : null;
        if (!TryZone(id, out var zone))
        {
            return Problems.Invalid($"timeZone: '{id}' is not an IANA time zone id; for example \"{ExampleZone}\" or \"UTC\".",
                new Dictionary<string, object?> { ["field"] = "timeZone", ["example"] = ExampleZone });
        }
        if (!root.TryGetProperty("shifts", out var array))
        {
            return Problems.Invalid("shifts: the body must list the shifts, for example [{\"name\": \"early\", \"start\": \"06:00\", \"end\": \"14:00\"}].",
                Problems.Field("shifts"));
        }
        if (ParseShifts(array, out var shifts) is { } problem)
        {
            return problem;
        }
        calendar = new PlantCalendar(id!, zone!, shifts!);
        return null;
    }

    private static bool TryZone(string? id, out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return false;
        }
        try
        {
            // On Linux a Windows id ("W. Europe Standard Time") is found too; the API takes IANA ids only.
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return zone.HasIanaId;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static ProblemHttpResult? ParseShifts(JsonElement array, out List<Shift>? shifts)
    {
        shifts = null;
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() is 0 or > MaxShifts)
        {
            return Problems.Invalid($"shifts must be an array of 1 to {MaxShifts} shifts.", Problems.Field("shifts"));
        }
        var list = new List<Shift>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"shifts[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                return Problems.Invalid($"{at} must be an object.", Problems.Field(at));
            }
            var name = Text(item, "name");
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxName || QueryParsing.ControlCharacterAt(name) >= 0)
            {
                return Problems.Invalid($"{at}.name must be 1 to {MaxName} characters without control characters.", Problems.Field(at + ".name"));
            }
            if (!TryClock(Text(item, "start"), allowMidnightEnd: false, out var start))
            {
                return Problems.Invalid($"{at}.start: '{Text(item, "start")}' is not a local time HH:mm from 00:00 to 23:59.", Problems.Field(at + ".start"));
            }
            if (!TryClock(Text(item, "end"), allowMidnightEnd: true, out var end) || end == start)
            {
                return Problems.Invalid($"{at}.end: '{Text(item, "end")}' is not a local time HH:mm from 00:00 to 24:00 other than the start " +
                    "(an end before the start crosses midnight).", Problems.Field(at + ".end"));
            }
            if (ParseDays(item, at, out var days) is { } problem)
            {
                return problem;
            }
            var length = end > start ? end - start : end + TimeSpan.FromDays(1) - start;
            list.Add(new Shift(name, TimeOnly.FromTimeSpan(start), length, days));
        }
        if (Overlap(list) is { } clash)
        {
            return Problems.Invalid($"shifts: {clash.A} and {clash.B} overlap ({clash.Day}); shifts may leave gaps but not overlap.",
                new Dictionary<string, object?> { ["field"] = "shifts", ["shifts"] = new[] { clash.A, clash.B } });
        }
        shifts = list;
        return null;
    }

    private static ProblemHttpResult? ParseDays(JsonElement item, string at, out HashSet<DayOfWeek>? days)
    {
        days = null;
        if (!item.TryGetProperty("days", out var d) || d.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var problem = Problems.Invalid($"{at}.days must be a non-empty array of distinct weekdays (Mon, Tue, Wed, Thu, Fri, Sat, Sun), or left out for every day.",
            Problems.Field(at + ".days"));
        if (d.ValueKind != JsonValueKind.Array || d.GetArrayLength() == 0)
        {
            return problem;
        }
        days = [];
        foreach (var day in d.EnumerateArray())
        {
            var index = day.ValueKind == JsonValueKind.String
                ? Array.FindIndex(DayNames, n => string.Equals(n, day.GetString(), StringComparison.OrdinalIgnoreCase))
                : -1;
            if (index < 0 || !days.Add((DayOfWeek)index))
            {
                return problem;
            }
        }
        return null;
    }

    /// <summary>The first two shifts whose local times overlap on some weekday (a week is a circle: Sunday night runs into Monday).</summary>
    private static (string A, string B, string Day)? Overlap(List<Shift> shifts)
    {
        const int Week = 7 * 1440;
        var spans = shifts.SelectMany((s, i) => Enumerable.Range(0, 7).Where(d => s.StartsOn((DayOfWeek)d))
            .Select(d => (Index: i, Day: d, Start: (d * 1440) + (int)s.Start.ToTimeSpan().TotalMinutes, Length: (int)s.Length.TotalMinutes))).ToList();
        foreach (var a in spans)
        {
            foreach (var b in spans.Where(b => b.Index > a.Index))
            {
                foreach (var shift in new[] { 0, Week, -Week })
                {
                    var bStart = b.Start + shift;
                    if (a.Start < bStart + b.Length && bStart < a.Start + a.Length)
                    {
                        var day = DayNames[a.Start > bStart ? a.Day : b.Day];
                        return (shifts[a.Index].Name, shifts[b.Index].Name, "on " + day);
                    }
                }
            }
        }
        return null;
    }

    private static bool TryClock(string? text, bool allowMidnightEnd, out TimeSpan time)
    {
        time = default;
        if (allowMidnightEnd && text == "24:00")
        {
            time = TimeSpan.FromDays(1);
            return true;
        }
        if (text is not { Length: 5 } || !TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            return false;
        }
        time = t.ToTimeSpan();
        return true;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

}
