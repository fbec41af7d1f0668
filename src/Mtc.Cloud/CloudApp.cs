using Mtc.Cloud.Alerts;
using Mtc.Cloud.Auth;
using Mtc.Cloud.DataProtection;
using Mtc.Cloud.Edges;
using Mtc.Cloud.Events;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Ingest;
using Mtc.Cloud.Machines;
using Mtc.Cloud.Notifications;
using Mtc.Cloud.Observability;
using Mtc.Cloud.Plant;
using Mtc.Cloud.Pages;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Summary;
using Mtc.Cloud.Webhooks;

namespace Mtc.Cloud;

/// <summary>The cloud host, composed in one place (run by <c>Program</c> and by <c>mtc cloud</c>).</summary>
public static class CloudApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCloudSettings();
        builder.AddCloudStorage();
        builder.AddSharedKeyRing();
        builder.AddNotifications();
        builder.AddApiKeyAuth();
        builder.AddHardening();
        builder.AddApiDocs();
        builder.AddAlerts();
        builder.AddCloudObservability();
        builder.AddHealth();

        var app = builder.Build();
        app.UseHardening();
        app.UseCloudMetrics();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapHealthApi();
        app.MapIngestApi();
        app.MapSetupApi();
        app.MapEventsApi();
        app.MapMachinesApi();
        app.MapSummaryApi();
        app.MapPlantApi();
        app.MapEdgesApi();
        app.MapHeartbeatApi();
        app.MapWebhooksApi();
        app.MapAlertsApi();
        app.MapApiDocs();
        app.MapSignInPages();
        app.MapFleetPage();
        app.MapMachinePage();
        app.MapEdgesPage();
        app.MapSignInLinks();
        return app;
    }
}
