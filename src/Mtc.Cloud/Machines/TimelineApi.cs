using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary>
/// <c>GET /api/ext/machines/{id}/timeline</c>: the status intervals the edge derived, clipped to the range, with the
/// IDLE time inside a declared setup shown as SETUP.
/// </summary>
internal static class TimelineApi
{
    public sealed record Segment(DateTimeOffset Start, DateTimeOffset End, string Status, string Source);

    public sealed record Timeline(string MachineId, IReadOnlyList<Segment> Items);

    internal static async Task<Results<Ok<Timeline>, ProblemHttpResult>> GetAsync(
        string id, string? from, string? to, ClaimsPrincipal user, ICloudStore store, CancellationToken ct)
    {
        if (!QueryParsing.TryRange(from, to, out var range, out var problem))
        {
            return problem!;
        }
        var tenant = user.Tenant();
        if (await store.MachineMissingAsync(tenant, id, ct).ConfigureAwait(false) is { } missing)
        {
            return missing;
        }
        var rows = await store.GetMachineEventsAsync(tenant, id,
            ["status", SetupsApi.DeclaredStart, SetupsApi.DeclaredEnd], range.To, ct).ConfigureAwait(false);
        var declared = SetupsApi.Merge(rows.Where(r => r.Type != "status").ToList()).Items
            .Select(s => (s.Start, End: s.End ?? DateTimeOffset.MaxValue)).ToList();
        var segments = new List<Segment>();
        foreach (var row in rows.Where(r => r.Type == "status"))
        {
            var status = CloudJson.Element(row.DataJson) is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("status", out var v)
                && v.ValueKind == JsonValueKind.String ? v.GetString()! : "UNKNOWN";
            var start = range.From is { } f && f > row.Start ? f : row.Start;
            var end = row.End ?? range.To ?? row.Start;
            end = range.To is { } t && t < end ? t : end;
            if (end <= start)
            {
                continue;
            }
            if (string.Equals(status, "IDLE", StringComparison.Ordinal))
            {
                Split(start, end, declared, segments);
            }
            else
            {
                segments.Add(new Segment(start, end, status, "derived"));
            }
        }
        return TypedResults.Ok(new Timeline(id, segments));
    }

    /// <summary>Cuts an IDLE stretch into IDLE and SETUP pieces where declared setups cover it.</summary>
    internal static void Split(DateTimeOffset start, DateTimeOffset end, List<(DateTimeOffset Start, DateTimeOffset End)> declared, List<Segment> into)
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
                into.Add(new Segment(at, a, "IDLE", "derived"));
            }
            into.Add(new Segment(a, b, "SETUP", "declared"));
            at = b;
        }
        if (at < end)
        {
            into.Add(new Segment(at, end, "IDLE", "derived"));
        }
    }
}
