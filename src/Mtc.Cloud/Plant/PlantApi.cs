using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Plant;

/// <summary>
/// <c>/api/ext/plant</c>: the tenant's plant time (IANA time zone and shift calendar) that summaries' day and shift buckets
/// and the fleet page's "today" and "this shift" follow, with today and the current shift computed now.
/// </summary>
internal static class PlantApi
{
    /// <summary>[From, To) as UTC instants.</summary>
    public sealed record PlantRange(DateTimeOffset From, DateTimeOffset To);

    /// <summary>The shift occurrence running now.</summary>
    public sealed record CurrentShift(string Name, DateTimeOffset From, DateTimeOffset To);

    /// <summary>The settings, and in plant time now: today's calendar day and the shift running (null outside every shift).</summary>
    public sealed record PlantSettings(string TimeZone, IReadOnlyList<PlantShift> Shifts, PlantRange Today, CurrentShift? CurrentShift);

    /// <summary>A plant calendar day: its local date and [From, To) as UTC instants.</summary>
    public sealed record PlantDay(string Date, DateTimeOffset From, DateTimeOffset To);

    /// <summary>The body of a PUT: the whole calendar (days left out: every day).</summary>
    public sealed record PlantUpdate(string TimeZone, IReadOnlyList<PlantShift> Shifts);

    public static IEndpointRouteBuilder MapPlantApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ext/plant").WithTags("Plant");
        group.MapGet("/", GetAsync).RequireAuthorization(Scopes.ExtRead).WithName("GetPlant")
            .WithSummary("The plant's time zone and shifts, with today and the current shift in plant time")
            .WithDescription("Defaults when never set: UTC and one shift 'day' from 00:00 to 24:00. today is the plant's calendar day " +
                "(23 h or 25 h on daylight-saving days); currentShift is null when now is outside every shift.");
        group.MapGet("/days/{date}", DayAsync).RequireAuthorization(Scopes.ExtRead).WithName("GetPlantDay")
            .WithSummary("Where a calendar day of the plant begins and ends")
            .WithDescription("date is YYYY-MM-DD or today. The day runs from local midnight to local midnight in the plant's time zone " +
                "(23 h or 25 h on daylight-saving days), as UTC instants to pass as from and to.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPut("/", PutAsync).RequireAuthorization(Scopes.Admin).WithName("PutPlant")
            .WithSummary("Set the plant's time zone and shift calendar (replaces both)")
            .WithDescription("Body {\"timeZone\": \"Europe/Berlin\", \"shifts\": [{\"name\": \"night\", \"start\": \"22:00\", \"end\": \"06:00\", " +
                "\"days\": [\"Mon\", \"Tue\"]}]}. Times are local HH:mm (end 24:00 allowed; an end before the start crosses midnight); a shift " +
                "belongs to the weekday it starts on; days left out means every day. Overlapping shifts are a 400 naming both; gaps are allowed.")
            .Accepts<PlantUpdate>("application/json")
            .Produces<PlantSettings>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    internal static async Task<Ok<PlantSettings>> GetAsync(ClaimsPrincipal user, ICloudStore store, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(Describe(await PlantSettingsJson.LoadAsync(store, user.Tenant(), ct).ConfigureAwait(false), time.GetUtcNow()));

    internal static async Task<Results<Ok<PlantDay>, ProblemHttpResult>> DayAsync(
        string date, ClaimsPrincipal user, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        var calendar = await PlantSettingsJson.LoadAsync(store, user.Tenant(), ct).ConfigureAwait(false);
        DateOnly day;
        if (date == "today")
        {
            day = calendar.LocalDate(time.GetUtcNow());
        }
        else if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out day))
        {
            return Problems.Invalid($"date must be YYYY-MM-DD (e.g. 2026-03-29) or today, not '{Mtc.Core.Text.Printable.Escape(date)}'.",
                new Dictionary<string, object?> { ["parameter"] = "date" });
        }
        var (from, to) = calendar.Day(calendar.ToUtc(day.ToDateTime(TimeOnly.FromTimeSpan(TimeSpan.FromHours(12)))));
        return TypedResults.Ok(new PlantDay(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), from, to));
    }

    internal static async Task<Results<Ok<PlantSettings>, ProblemHttpResult>> PutAsync(
        HttpRequest request, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        PlantCalendar calendar;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
            if (PlantSettingsJson.Parse(doc.RootElement, out var parsed) is { } problem)
            {
                return problem;
            }
            calendar = parsed!;
        }
        catch (JsonException e)
        {
            return Problems.InvalidJson(e);
        }
        var now = time.GetUtcNow();
        await store.SavePlantSettingsAsync(request.HttpContext.User.Tenant(),
            new PlantSettingsRow(calendar.TimeZoneId, PlantSettingsJson.ShiftsJson(calendar), now), ct).ConfigureAwait(false);
        return TypedResults.Ok(Describe(calendar, now));
    }

    private static PlantSettings Describe(PlantCalendar calendar, DateTimeOffset now)
    {
        var (from, to) = calendar.Day(now);
        var shift = calendar.CurrentShift(now);
        return new PlantSettings(calendar.TimeZoneId, PlantSettingsJson.Write(calendar), new PlantRange(from, to),
            shift is { } s ? new CurrentShift(s.Name, s.From, s.To) : null);
    }
}
