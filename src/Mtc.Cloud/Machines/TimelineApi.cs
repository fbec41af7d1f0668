using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary>
/// <c>GET /api/ext/machines/{id}/timeline</c>: the status intervals the edge derived, clipped to the range, with the
/// IDLE time inside a declared setup shown as SETUP. The interval still running (no end yet) is shown up to the machine's
/// last known time, the latest observation timestamp stored for it (machine time, not the cloud's clock), and marked open;
/// an open interval followed by a later one ends where that one starts.
/// </summary>
internal static class TimelineApi
{
    public sealed record Segment(DateTimeOffset Start, DateTimeOffset End, string Status, string Source, bool Open = false);

    public sealed record Timeline(string MachineId, IReadOnlyList<Segment> Items);

    internal static async Task<Results<Ok<Timeline>, ProblemHttpResult>> GetAsync(
        string id, string? from, string? to, ClaimsPrincipal user, ICloudStore store, CancellationToken ct)
    {
        var (range, tenant, problem) = await store.MachineRangeAsync(user, id, from, to, ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }
        var rows = await store.EventsOverAsync(tenant, id, ["status"], [SetupsApi.DeclaredStart, SetupsApi.DeclaredEnd], range, ct)
            .ConfigureAwait(false);
        DateTimeOffset? lastKnown = rows.Any(r => r.Type == "status" && r.End is null)
            ? await store.LastKnownTimeAsync(tenant, id, ct).ConfigureAwait(false)
            : null;
        return TypedResults.Ok(new Timeline(id, Segments(rows, range, lastKnown)));
    }

    /// <summary>
    /// The timeline of a machine's <c>status</c>, <c>setup_start</c> and <c>setup_end</c> rows (by start time; other types are
    /// ignored), clipped to <paramref name="range"/>; an interval still running reaches <paramref name="lastKnown"/>.
    /// </summary>
    internal static List<Segment> Segments(IReadOnlyList<EventRow> rows, TimeRange range, DateTimeOffset? lastKnown)
    {
        var declared = SetupsApi.Merge(rows.Where(r => r.Type is SetupsApi.DeclaredStart or SetupsApi.DeclaredEnd).ToList()).Items
            .Select(s => (s.Start, End: s.End ?? DateTimeOffset.MaxValue)).ToList();
        var segments = new List<Segment>();
        var statuses = rows.Where(r => r.Type == "status").ToList();
        for (var i = 0; i < statuses.Count; i++)
        {
            var row = statuses[i];
            var status = CloudJson.String(CloudJson.Element(row.DataJson), "status") ?? "UNKNOWN";
            var start = range.From is { } f && f > row.Start ? f : row.Start;
            // Running now: no end, and no later interval after it (one cut short by a later interval is not running).
            var next = i + 1 < statuses.Count && statuses[i + 1].Start > row.Start ? statuses[i + 1].Start : (DateTimeOffset?)null;
            var open = row.End is null && next is null;
            var end = row.End ?? next ?? (lastKnown is { } k && k > row.Start ? k : row.Start);
            end = range.To is { } t && t < end ? t : end;
            if (end <= start)
            {
                continue;
            }
            if (string.Equals(status, "IDLE", StringComparison.Ordinal))
            {
                Split(start, end, declared, segments, open);
            }
            else
            {
                segments.Add(new Segment(start, end, status, "derived", open));
            }
        }
        return segments;
    }

    /// <summary>Cuts an IDLE stretch into IDLE and SETUP pieces where declared setups cover it.</summary>
    internal static void Split(
        DateTimeOffset start, DateTimeOffset end, List<(DateTimeOffset Start, DateTimeOffset End)> declared, List<Segment> into, bool open = false)
    {
        var at = start;
        foreach (var (ds, de) in declared.Where(p => p.Start < end && p.End > start).OrderBy(p => p.Start))
        {
            var a = ds > at ? ds : at;
            var b = de < end ? de : end;
            if (b <= a)
            {
                continue;
            }
            if (a > at)
            {
                into.Add(new Segment(at, a, "IDLE", "derived", open));
            }
            into.Add(new Segment(a, b, "SETUP", "declared"));
            at = b;
        }
        if (at < end)
        {
            into.Add(new Segment(at, end, "IDLE", "derived", open));
        }
    }
}
