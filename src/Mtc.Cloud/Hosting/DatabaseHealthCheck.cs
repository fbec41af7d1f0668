using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Observability;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Hosting;

/// <summary>Healthy when the database answers a trivial query within <see cref="ObservabilityOptions.ReadyTimeoutSeconds"/>.</summary>
internal sealed class DatabaseHealthCheck(ICloudStore store, CloudMetrics metrics, EdgeActivityCache cache, IOptions<ObservabilityOptions> options)
    : IHealthCheck
{
    public const string Name = "database";
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.ReadyTimeoutSeconds));
        try
        {
            await metrics.TimeDatabaseAsync("ping", async () =>
            {
                await store.PingAsync(timeout.Token).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            cache.DatabaseState(true);
            return HealthCheckResult.Healthy(store.Backend);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            cache.DatabaseState(false);
            return HealthCheckResult.Unhealthy(timeout.IsCancellationRequested
                ? $"The database did not answer within {options.Value.ReadyTimeoutSeconds} s."
                : "The database did not answer: " + e.Message);
        }
    }
}
