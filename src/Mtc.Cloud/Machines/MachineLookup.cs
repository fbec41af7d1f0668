using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary>The one check every per-machine read starts with.</summary>
internal static class MachineLookup
{
    /// <summary>A 404 problem when the tenant has no machine <paramref name="id"/> (another tenant's machine is not found either); null when it exists.</summary>
    public static async Task<ProblemHttpResult?> MachineMissingAsync(this ICloudStore store, string tenant, string id, CancellationToken ct) =>
        await store.GetMachineAsync(tenant, id, ct).ConfigureAwait(false) is null ? Problems.NotFound("machine", id) : null;

    /// <summary>
    /// The range and tenant of a per-machine read over <paramref name="from"/>..<paramref name="to"/>, or the problem that
    /// ends it: a 400 for a bad range, else a 404 when the tenant has no machine <paramref name="id"/>.
    /// </summary>
    public static async Task<(TimeRange Range, string Tenant, ProblemHttpResult? Problem)> MachineRangeAsync(
        this ICloudStore store, ClaimsPrincipal user, string id, string? from, string? to, CancellationToken ct)
    {
        if (!QueryParsing.TryRange(from, to, out var range, out var problem))
        {
            return (range, "", problem);
        }
        var tenant = user.Tenant();
        return (range, tenant, await store.MachineMissingAsync(tenant, id, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// The machine's last known time: the latest observation timestamp stored for it (its own clock, not the cloud's), where
    /// an interval still running ends for now; null when nothing is stored.
    /// </summary>
    public static async Task<DateTimeOffset?> LastKnownTimeAsync(this ICloudStore store, string tenant, string id, CancellationToken ct) =>
        (await store.GetLastKnownTimesAsync(tenant, [id], ct).ConfigureAwait(false)).TryGetValue(id, out var last) ? last : null;

    /// <summary>
    /// A machine's events of the given types over the range (<see cref="ICloudStore.GetEventsTouchingAsync"/>: only what
    /// touches it, declared setup marks over all time); with no start, everything before its end.
    /// </summary>
    public static async Task<IReadOnlyList<EventRow>> EventsOverAsync(
        this ICloudStore store, string tenant, string id, IReadOnlyList<string> types, IReadOnlyList<string> pointTypes, TimeRange range,
        CancellationToken ct) =>
        range.From is { } from
            ? await store.GetEventsTouchingAsync(tenant, [id], types, pointTypes, from, range.To ?? DateTimeOffset.MaxValue, ct).ConfigureAwait(false)
            : await store.GetMachineEventsAsync(tenant, id, [.. types, .. pointTypes], range.To, ct).ConfigureAwait(false);
}
