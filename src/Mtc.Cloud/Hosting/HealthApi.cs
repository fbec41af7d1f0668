using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Hosting;

internal static class HealthApi
{
    public sealed record Health(string Status, string Storage, DateTimeOffset Time);

    /// <summary><c>GET /api/ext/health</c>: liveness for integrators, no key needed.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/ext/health", (ICloudStore store, TimeProvider time) => TypedResults.Ok(new Health("ok", store.Backend, time.GetUtcNow())))
            .AllowAnonymous()
            .WithName("Health")
            .WithTags("Health")
            .WithSummary("Liveness");
        return app;
    }
}
