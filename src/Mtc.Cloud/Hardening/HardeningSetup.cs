using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Observability;

namespace Mtc.Cloud.Hardening;

internal static class HardeningSetup
{
    /// <summary>Problem details for every error, and a token bucket per API key (per client address before auth).</summary>
    public static WebApplicationBuilder AddHardening(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var problem = ctx.ProblemDetails;
            if (problem.Type is null || !problem.Type.StartsWith(Problems.TypePrefix, StringComparison.Ordinal))
            {
                problem.Type = Problems.TypePrefix + Problems.SlugFor(problem.Status ?? ctx.HttpContext.Response.StatusCode);
            }
            // Every problem the cloud answers passes here, so this is where rejected requests are counted.
            ctx.HttpContext.RequestServices.GetService<CloudMetrics>()?.Problem(problem.Type[Problems.TypePrefix.Length..],
                problem.Status ?? ctx.HttpContext.Response.StatusCode);
        });
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<CloudOptions>>((o, cloud) =>
        {
            var settings = cloud.Value;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                var partition = ctx.User.FindFirstValue(ApiKeyAuthentication.KeyIdClaim) is { } keyId
                    ? "key:" + keyId
                    : "ip:" + ctx.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.RateLimitBurst,
                    TokensPerPeriod = settings.RateLimitPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (ctx, ct) =>
            {
                var seconds = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                ctx.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.RateLimited().ExecuteAsync(ctx.HttpContext).ConfigureAwait(false);
            };
        });
        return builder;
    }

    public static WebApplication UseHardening(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimits>();
        return app;
    }
}
