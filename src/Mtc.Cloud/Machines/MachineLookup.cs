using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary>The one check every per-machine read starts with.</summary>
internal static class MachineLookup
{
    /// <summary>A 404 problem when the tenant has no machine <paramref name="id"/> (another tenant's machine is not found either); null when it exists.</summary>
    public static async Task<ProblemHttpResult?> MachineMissingAsync(this ICloudStore store, string tenant, string id, CancellationToken ct) =>
        await store.GetMachineAsync(tenant, id, ct).ConfigureAwait(false) is null ? Problems.NotFound("machine", id) : null;
}
