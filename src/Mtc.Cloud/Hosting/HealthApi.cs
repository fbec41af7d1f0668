using System.Globalization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Observability;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Hosting;

internal static class HealthApi
{
    /// <summary><see cref="Database"/> is <c>ok</c> or <c>unavailable</c>; <see cref="Status"/> <c>ok</c> or <c>degraded</c>.</summary>
    public sealed record Health(string Status, string Storage, string Database, DateTimeOffset Time);

    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>(DatabaseHealthCheck.Name, tags: [DatabaseHealthCheck.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> (the process answers; no database), <c>/health/ready</c> (the database answers; 503 with a
    /// problem and <c>Retry-After</c> otherwise), and <c>GET /api/ext/health</c> for integrators. All anonymous.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        app.MapReadiness();
        app.MapGet("/api/ext/health", ExtHealthAsync)
            .AllowAnonymous()
            .WithName("Health")
            .WithTags("Health")
            .WithSummary("Liveness and database state")
            .WithDescription("Always 200 while the process runs; status is degraded and database unavailable when the database does not answer.");
        return app;
    }

    /// <summary><c>/health/ready</c>: 200 while the database answers, else 503 with a problem and <c>Retry-After</c>.</summary>
    public static IEndpointRouteBuilder MapReadiness(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(DatabaseHealthCheck.ReadyTag),
            ResponseWriter = WriteReadyAsync,
        }).AllowAnonymous().DisableRateLimiting();
        return app;
    }

    internal static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<Health>> ExtHealthAsync(
        ICloudStore store, HealthCheckService health, TimeProvider time, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(DatabaseHealthCheck.ReadyTag), ct).ConfigureAwait(false);
        var ok = report.Status == HealthStatus.Healthy;
        return TypedResults.Ok(new Health(ok ? "ok" : "degraded", store.Backend, ok ? "ok" : "unavailable", time.GetUtcNow()));
    }

    private static async Task WriteReadyAsync(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Healthy)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("Healthy").ConfigureAwait(false);
            return;
        }
        var seconds = context.RequestServices.GetRequiredService<IOptions<ObservabilityOptions>>().Value.DatabaseRetryAfterSeconds;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var reason = report.Entries.Values.Select(e => e.Description).FirstOrDefault(d => d is not null);
        await Problems.Create(StatusCodes.Status503ServiceUnavailable, "database-unavailable", "The database is unavailable.",
                reason ?? "The database did not answer.", new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds })
            .ExecuteAsync(context).ConfigureAwait(false);
    }
}
