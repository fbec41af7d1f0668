using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary>
/// <c>GET /api/ext/machines/{id}/setups</c>: setups the edge's analytics derived merged with the ones integrators declared
/// through <c>POST /api/ext/event</c> (<c>setup_start</c> / <c>setup_end</c>, paired in time order).
/// </summary>
internal static class SetupsApi
{
    public const string DeclaredStart = "setup_start";
    public const string DeclaredEnd = "setup_end";

    /// <summary>One setup; <c>end</c> and <c>durationSeconds</c> are null while a declared setup is still open.</summary>
    public sealed record SetupItem(
        string Id, string Source, DateTimeOffset Start, DateTimeOffset? End, double? DurationSeconds, string? Program, JsonElement? Data);

    /// <summary>The setups overlapping the range by start time; <c>unmatchedEnds</c> counts declared ends with no open start before them.</summary>
    public sealed record SetupList(string MachineId, IReadOnlyList<SetupItem> Items, int UnmatchedEnds);

    internal static async Task<Results<Ok<SetupList>, ProblemHttpResult>> GetAsync(
        string id, string? from, string? to, ClaimsPrincipal user, ICloudStore store, CancellationToken ct)
    {
        var (range, tenant, problem) = await store.MachineRangeAsync(user, id, from, to, ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }
        var rows = await store.EventsOverAsync(tenant, id, ["setup"], [DeclaredStart, DeclaredEnd], range, ct).ConfigureAwait(false);
        var (items, unmatched) = Merge(rows);
        var inRange = items.Where(s => (range.To is not { } t || s.Start < t) && (range.From is not { } f || s.End is not { } e || e > f)).ToList();
        return TypedResults.Ok(new SetupList(id, inRange, unmatched));
    }

    /// <summary>
    /// Pairs declared starts and ends in time order (a start while one is open ends the open one there; an end with none
    /// open is counted, not listed) and merges them with the derived setups by start time, derived first on a tie.
    /// </summary>
    internal static (List<SetupItem> Items, int UnmatchedEnds) Merge(IReadOnlyList<EventRow> rows)
    {
        var items = new List<SetupItem>();
        var unmatched = 0;
        EventRow? open = null;
        foreach (var row in rows)
        {
            switch (row.Type)
            {
                case "setup":
                    var data = CloudJson.Element(row.DataJson);
                    items.Add(new SetupItem(row.Id, "derived", row.Start, row.End, Seconds(row.Start, row.End), CloudJson.String(data, "program"), data));
                    break;
                case DeclaredStart:
                    if (open is not null)
                    {
                        items.Add(Declared(open, row.Start));
                    }
                    open = row;
                    break;
                case DeclaredEnd when open is not null:
                    items.Add(Declared(open, row.Start));
                    open = null;
                    break;
                default:
                    unmatched++;
                    break;
            }
        }
        if (open is not null)
        {
            items.Add(Declared(open, null));
        }
        var ordered = items.OrderBy(s => s.Start).ThenBy(s => s.Source == "derived" ? 0 : 1).ToList();
        return (ordered, unmatched);
    }

    private static SetupItem Declared(EventRow start, DateTimeOffset? end)
    {
        var data = CloudJson.Element(start.DataJson);
        return new SetupItem(start.Id, "declared", start.Start, end, Seconds(start.Start, end), CloudJson.String(data, "program"), data);
    }

    private static double? Seconds(DateTimeOffset start, DateTimeOffset? end) => end is { } e ? (e - start).TotalSeconds : null;
}
