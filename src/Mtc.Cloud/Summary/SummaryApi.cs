using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Machines;
using Mtc.Cloud.Plant;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Summary;

/// <summary>
/// <c>GET /api/ext/machines/{id}/summary</c> and <c>GET /api/ext/fleet/summary</c>: production numbers (time per status,
/// utilization, parts, cycles, alarms, setups) over a range, optionally per hour, day or shift in the tenant's plant time.
/// </summary>
internal static class SummaryApi
{
    /// <summary>The longest range a summary covers, and the one it covers when none is given.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(92), DefaultRange = TimeSpan.FromHours(24);

    private const string FromDoc = "Start of the range (ISO 8601 with offset), inclusive; default: 24 h before to.";
    private const string ToDoc = "End of the range, exclusive; default: now. After from, at most 92 days later.";
    private const string BucketDoc = "hour, day or shift: also split the range into hours, days or shift occurrences in the plant's time " +
        "(GET /api/ext/plant), the first and last cut to the range. Time outside every shift is in no shift bucket.";
    private const string ByMachineDoc = "true: also list each machine's numbers over the range (byMachine).";

    public static IEndpointRouteBuilder MapSummaryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ext").RequireAuthorization(Scopes.ExtRead).WithTags("Summary");
        group.MapGet("/machines/{id}/summary", MachineAsync).WithName("GetMachineSummary")
            .WithSummary("A machine's production numbers over a range: seconds per status, utilization, parts, cycles, alarms, setups")
            .WithDescription("Times are clipped to the range; the interval running now reaches the machine's last known time. " +
                "Cycles, parts and alarms count when they start in the range. utilization is ACTIVE seconds over elapsed seconds " +
                "(the part of the range up to now), null when none elapsed.");
        group.MapGet("/fleet/summary", FleetAsync).WithName("GetFleetSummary")
            .WithSummary("The same numbers over all of the tenant's machines: sums, utilization of the totals, median over every cycle");
        return app;
    }

    internal static async Task<Results<Ok<MachineSummary>, ProblemHttpResult>> MachineAsync(
        string id, [Description(FromDoc)] string? from, [Description(ToDoc)] string? to, [Description(BucketDoc)] string? bucket,
        ClaimsPrincipal user, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!TryRange(from, to, now, out var f, out var t, out var problem) || !TryBucket(bucket, out var size, out problem))
        {
            return problem!;
        }
        var tenant = user.Tenant();
        if (await store.MachineMissingAsync(tenant, id, ct).ConfigureAwait(false) is { } missing)
        {
            return missing;
        }
        var ranges = await BucketsAsync(store, tenant, f, t, size, ct).ConfigureAwait(false);
        var (totals, buckets) = await ComputeAsync(store, tenant, [id], f, t, now, ranges, ct).ConfigureAwait(false);
        return TypedResults.Ok(new MachineSummary(id, totals.Totals, buckets));
    }

    internal static async Task<Results<Ok<FleetSummary>, ProblemHttpResult>> FleetAsync(
        [Description(FromDoc)] string? from, [Description(ToDoc)] string? to, [Description(BucketDoc)] string? bucket,
        [Description(ByMachineDoc)] bool? byMachine, ClaimsPrincipal user, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!TryRange(from, to, now, out var f, out var t, out var problem) || !TryBucket(bucket, out var size, out problem))
        {
            return problem!;
        }
        var tenant = user.Tenant();
        var ranges = await BucketsAsync(store, tenant, f, t, size, ct).ConfigureAwait(false);
        var machines = await store.ListMachinesAsync(tenant, ct).ConfigureAwait(false);
        var (totals, buckets) = await ComputeAsync(store, tenant, machines.Select(m => m.Id).ToList(), f, t, now, ranges, ct).ConfigureAwait(false);
        var each = byMachine == true
            ? machines.Select((m, i) => new MachineSummary(m.Id, totals.ByMachine(i), null)).ToList()
            : null;
        return TypedResults.Ok(new FleetSummary(machines.Count, totals.Totals, buckets, each));
    }

    /// <summary>The range's numbers (and each machine's, on demand) and the buckets', through the stored quarters where they apply.</summary>
    private static async Task<(RangeNumbers Totals, IReadOnlyList<Kpis>? Buckets)> ComputeAsync(
        ICloudStore store, string tenant, IReadOnlyList<string> machineIds, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now,
        IReadOnlyList<BucketRange>? ranges, CancellationToken ct)
    {
        if (await QuarterTallies.LoadAsync(store, tenant, machineIds, from, to, now, ranges, ct).ConfigureAwait(false) is { } pieces)
        {
            var (totals, buckets) = QuarterTallies.Compute(pieces, from, to, now, ranges);
            return (new RangeNumbers(totals, i => KpiCalculator.Finish(pieces[i].Select(p => p.Tally), 1, from, to, now)), buckets);
        }
        var activities = await MachineActivity.LoadManyAsync(store, tenant, machineIds, from, to, ct).ConfigureAwait(false);
        var (all, split) = KpiCalculator.ComputeWithBuckets(activities, from, to, now, ranges);
        return (new RangeNumbers(all, i => KpiCalculator.Compute([activities[i]], from, to, now)), split);
    }

    /// <summary>The numbers of all machines over the range, and of machine <c>i</c> of them when asked.</summary>
    private sealed record RangeNumbers(Kpis Totals, Func<int, Kpis> ByMachine);

    /// <summary>The buckets asked for, in the tenant's plant time; null when none were.</summary>
    private static async Task<IReadOnlyList<BucketRange>?> BucketsAsync(
        ICloudStore store, string tenant, DateTimeOffset from, DateTimeOffset to, BucketSize? size, CancellationToken ct) =>
        size is { } s
            ? SummaryBuckets.Ranges(from, to, s, await PlantSettingsJson.LoadAsync(store, tenant, ct).ConfigureAwait(false))
            : null;

    /// <summary>[from, to) with the defaults (the 24 h up to now); a 400 when to is not after from or the range is too long.</summary>
    internal static bool TryRange(
        string? from, string? to, DateTimeOffset now, out DateTimeOffset start, out DateTimeOffset end, out ProblemHttpResult? problem)
    {
        start = end = default;
        if (!QueryParsing.TryRange(from, to, out var range, out problem))
        {
            return false;
        }
        end = range.To ?? now;
        start = range.From ?? end - DefaultRange;
        if (end <= start)
        {
            problem = Problems.Invalid($"to: {end:O} is not after from ({start:O}).", QueryParsing.Param("to"));
            return false;
        }
        if (end - start > MaxRange)
        {
            problem = Problems.Invalid($"to: the range is {(end - start).TotalDays:0.##} days; a summary covers at most {MaxRange.TotalDays:0} days.",
                QueryParsing.Param("to"));
            return false;
        }
        return true;
    }

    internal static bool TryBucket(string? bucket, out BucketSize? size, out ProblemHttpResult? problem)
    {
        problem = null;
        size = bucket switch
        {
            null or "" => null,
            "hour" => BucketSize.Hour,
            "day" => BucketSize.Day,
            "shift" => BucketSize.Shift,
            _ => (BucketSize?)null,
        };
        if (size is null && !string.IsNullOrEmpty(bucket))
        {
            problem = Problems.Invalid($"bucket: '{bucket}' is not hour, day or shift.", QueryParsing.Param("bucket"));
            return false;
        }
        return true;
    }
}
