using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using OpenTelemetry.Metrics;

namespace Mtc.Cloud.Observability;

internal static class ObservabilitySetup
{
    /// <summary>The cloud's meter and the OpenTelemetry pipeline exporting it (and every <c>Mtc.Cloud.*</c> meter) to Prometheus.</summary>
    public static WebApplicationBuilder AddCloudObservability(this WebApplicationBuilder builder)
    {
        AddInstruments(builder);
        builder.Services.AddHostedService<EdgeActivityRefresher>();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(CloudMetrics.MeterName, CloudMetrics.ComponentMeters)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// For <c>mtc worker</c>: the delivery loops' meters (<c>Mtc.Cloud.Notifications</c>, <c>Mtc.Cloud.Bus</c>) to Prometheus.
    /// The cloud's own meter times the readiness check here but is not exported: a worker takes no ingest, and its edge
    /// gauges and <c>mtc_cloud_ready</c> would only repeat (or, unprobed, misstate) what the API replicas export.
    /// </summary>
    public static WebApplicationBuilder AddWorkerObservability(this WebApplicationBuilder builder)
    {
        AddInstruments(builder);
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(CloudMetrics.ComponentMeters)
            .AddPrometheusExporter());
        return builder;
    }

    private static void AddInstruments(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ObservabilityOptions>().BindConfiguration(ObservabilityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<EdgeActivityCache>();
        builder.Services.AddSingleton<CloudMetrics>();
    }

    /// <summary><c>/metrics</c> in Prometheus text format: anonymous, behind <c>Cloud:MetricsKey</c> when set, or off.</summary>
    public static WebApplication UseCloudMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ObservabilityOptions>>().Value;
        if (!options.MetricsEnabled)
        {
            return app;
        }
        var key = string.IsNullOrEmpty(options.MetricsKey) ? null : Encoding.UTF8.GetBytes(options.MetricsKey);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: ctx => ctx.Request.Path == "/metrics",
            path: null,
            configureBranchedPipeline: branch => branch.Use(async (ctx, next) =>
            {
                if (key is not null && !Authorized(ctx.Request, key))
                {
                    await Problems.Unauthorized("Send the metrics key (Cloud:MetricsKey) as 'Authorization: Bearer <key>'.")
                        .ExecuteAsync(ctx).ConfigureAwait(false);
                    return;
                }
                await next(ctx).ConfigureAwait(false);
            }),
            optionsName: null);
        return app;
    }

    private static bool Authorized(HttpRequest request, byte[] key)
    {
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()), key);
    }
}
