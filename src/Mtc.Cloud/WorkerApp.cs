using Mtc.Cloud.Hosting;
using Mtc.Cloud.Notifications;
using Mtc.Cloud.Observability;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud;

/// <summary>
/// The notification worker on its own (<c>mtc worker</c>): the cloud's storage and settings, the delivery loop, and over
/// HTTP only <c>/health/live</c>, <c>/health/ready</c> (the database answers) and <c>/metrics</c> (the delivery metrics,
/// as <c>Cloud:MetricsEnabled</c> and <c>Cloud:MetricsKey</c> say). Any number of these (and of cloud hosts with the
/// worker on) share one database.
/// </summary>
public static class WorkerApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCloudSettings();
        builder.AddCloudStorage();
        builder.AddNotifications(alwaysRunWorker: true);
        builder.AddWorkerObservability();
        builder.AddHealth();
        var app = builder.Build();
        app.UseCloudMetrics();
        app.MapGet("/health/live", (TimeProvider time) => TypedResults.Ok(new { status = "ok", time = time.GetUtcNow() }));
        app.MapReadiness();
        return app;
    }
}
