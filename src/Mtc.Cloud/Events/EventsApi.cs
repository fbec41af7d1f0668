using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Events;

/// <summary>
/// <c>GET /api/ext/events</c>: derived, gap and external events in the order they were stored. A derived event that ends
/// after it was listed open is stored again under a new cursor (see <see cref="Storage.SqlCloudStore"/>'s derived events).
/// </summary>
internal static class EventsApi
{
    public sealed record EventItem(
        string Cursor, string Id, string Source, string Type, string? MachineId, string? EdgeId,
        DateTimeOffset Start, DateTimeOffset? End, JsonElement? Data);

    /// <summary>
    /// A page of the feed. <c>nextCursor</c> follows the list convention (null when this page holds the last events stored
    /// so far); <c>resumeCursor</c> is never null: pass it later to get only what was stored since.
    /// </summary>
    public sealed record EventPage(IReadOnlyList<EventItem> Items, string? NextCursor, string ResumeCursor);

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapExternalEventApi();
        app.MapGet("/api/ext/events", GetAsync)
            .RequireAuthorization(Scopes.ExtRead)
            .WithName("GetEvents")
            .WithTags("Events")
            .WithSummary("Events after a cursor")
            .WithDescription("Pages: pass nextCursor to get the next page; it is null on the page with the newest events stored so far. " +
                "To follow the feed, keep resumeCursor (never null) and pass it later as cursor to get only newer events. Filter by type (cycle, setup, alarm, gap, note...). " +
                "A batch of a known edge the cloud refused with a 400 (the edge quarantines it) is listed as type batch_refused, source cloud. " +
                "Events the edge derived (source edge) keep one id per machine. One still running (a status interval, cycle, setup or alarm) " +
                "is listed with end null; when it ends, the ended version replaces it under the same id and moves to a new, higher cursor, " +
                "so a client following the cursor sees it again: keep the latest version per (machineId, id). An ended event never reopens.");
        return app;
    }

    internal static async Task<Results<Ok<EventPage>, ProblemHttpResult>> GetAsync(
        ClaimsPrincipal user, ICloudStore store, string? cursor, string? type,
        [Range(1, QueryParsing.MaxLimit), DefaultValue(QueryParsing.DefaultLimit)] int? limit, CancellationToken ct)
    {
        long after = 0;
        if (!string.IsNullOrEmpty(cursor) && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            return Problems.Invalid($"cursor: '{cursor}' is not a cursor this API gave out.", QueryParsing.Param("cursor"));
        }
        if (!QueryParsing.TryLimit(limit, QueryParsing.DefaultLimit, QueryParsing.MaxLimit, out var take, out var problem))
        {
            return problem!;
        }
        var rows = await store.GetEventsAsync(user.Tenant(), after, string.IsNullOrEmpty(type) ? null : type, take + 1, ct).ConfigureAwait(false);
        var more = rows.Count > take;
        rows = [.. rows.Take(take)];
        var items = rows.Select(r => new EventItem(r.Cursor.ToString(CultureInfo.InvariantCulture), r.Id, r.Source, r.Type, r.MachineId,
            r.EdgeId, r.Start, r.End, CloudJson.Element(r.DataJson))).ToList();
        var resume = (rows.Count > 0 ? rows[^1].Cursor : after).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(new EventPage(items, more ? resume : null, resume));
    }
}
