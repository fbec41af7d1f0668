using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Events;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Machines;

/// <summary>
/// <c>GET /api/ext/machines/{id}/events?from&amp;to&amp;type</c>: one machine's events that touch [from, to) (start before
/// <c>to</c>, and end at or after <c>from</c> or still running), by start time, paged by a (start, cursor) cursor. Both
/// ends of the range are required, so the read stays bounded; the machine page reads a day's alarms with it.
/// </summary>
internal static class MachineEventsApi
{
    /// <summary>The types listed when no <c>type</c> is given: what the edge derives, and gaps.</summary>
    public static readonly IReadOnlyList<string> DefaultTypes =
        [DerivedEventTypes.Status, DerivedEventTypes.Cycle, DerivedEventTypes.Setup, DerivedEventTypes.Alarm, DerivedEventTypes.Part, "gap"];

    public sealed record MachineEventPage(string MachineId, IReadOnlyList<EventsApi.EventItem> Items, string? NextCursor);

    internal static async Task<Results<Ok<MachineEventPage>, ProblemHttpResult>> GetAsync(
        string id,
        [Description("Start of the range (ISO 8601), inclusive: events that end before it are left out. Required.")] string? from,
        [Description("End of the range, exclusive: events that start at or after it are left out. Required.")] string? to,
        [Description("One event type (alarm, cycle, setup, status, part, gap, setup_start, note...); default: status, cycle, setup, alarm, part and gap.")] string? type,
        [Range(1, QueryParsing.MaxLimit), DefaultValue(QueryParsing.DefaultLimit)] int? limit, string? cursor,
        ClaimsPrincipal user, ICloudStore store, CancellationToken ct)
    {
        if (!QueryParsing.TryRange(from, to, out var range, out var problem) ||
            !QueryParsing.TryLimit(limit, QueryParsing.DefaultLimit, QueryParsing.MaxLimit, out var take, out problem))
        {
            return problem!;
        }
        if (range.From is not { } f || range.To is not { } t)
        {
            return Problems.Invalid("from and to are both required: the events of a machine are read over a bounded range.",
                QueryParsing.Param(range.From is null ? "from" : "to"));
        }
        if (t <= f)
        {
            return Problems.Invalid("to must be after from.", QueryParsing.Param("to"));
        }
        var query = QueryParsing.Scope("machine-events", id, range, type ?? "");
        if (!QueryParsing.TryCursor(cursor, query, out var after, out problem))
        {
            return problem!;
        }
        var tenant = user.Tenant();
        if (await store.MachineMissingAsync(tenant, id, ct).ConfigureAwait(false) is { } missing)
        {
            return missing;
        }
        IReadOnlyList<string> types = string.IsNullOrEmpty(type) ? DefaultTypes : [type];
        var rows = (await store.GetEventsTouchingAsync(tenant, [id], types, [], f, t, ct).ConfigureAwait(false))
            .Where(r => after is not { } a || r.Start > a.Time || (r.Start == a.Time && r.Cursor > a.Id))
            .Take(take + 1).ToList();
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? QueryParsing.EncodeCursor(page[^1].Start, page[^1].Cursor, query) : null;
        return TypedResults.Ok(new MachineEventPage(id, page.Select(r => new EventsApi.EventItem(
            r.Cursor.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Id, r.Source, r.Type, r.MachineId, r.EdgeId,
            r.Start, r.End, CloudJson.Element(r.DataJson))).ToList(), next));
    }
}
