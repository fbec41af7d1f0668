using Mtc.Cloud.Hosting;
using Mtc.Cloud.Notifications;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud;

/// <summary>
/// The notification worker on its own (<c>mtc worker</c>): the cloud's storage and settings, the delivery loop, and only
/// <c>/health/live</c> over HTTP. Any number of these (and of cloud hosts with the worker on) share one database.
/// </summary>
public static class WorkerApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCloudSettings();
        builder.AddCloudStorage();
        builder.AddNotifications(alwaysRunWorker: true);
        var app = builder.Build();
        app.MapGet("/health/live", (TimeProvider time) => TypedResults.Ok(new { status = "ok", time = time.GetUtcNow() }));
        return app;
    }
}
