using Microsoft.Extensions.Options;
using Mtc.Cloud.Bus;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Webhooks;

namespace Mtc.Cloud.Notifications;

internal static class NotificationSetup
{
    /// <summary>
    /// Settings, the webhook client and metrics; the worker when <c>Cloud:Worker:Enabled</c> (or always, for
    /// <c>mtc worker</c>). Needs <see cref="StorageSetup.AddCloudStorage"/> first.
    /// </summary>
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder, bool alwaysRunWorker = false)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations()
            .Validate<IOptions<WebhookOptions>>((w, hooks) => w.LeaseSeconds > hooks.Value.TimeoutSeconds,
                "Cloud:Worker:LeaseSeconds must be longer than Cloud:Webhooks:TimeoutSeconds, or a slow attempt would be taken by a second worker.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => (INotificationStore)sp.GetRequiredService<ICloudStore>());
        builder.Services.AddSingleton<NotificationMetrics>();
        builder.Services.AddSingleton<WebhookSender>();
        WebhookSender.Register(builder.Services);
        // Four lines per delivery attempt from the client factory is noise; failures are in the deliveries list and the log.
        builder.Logging.AddFilter("System.Net.Http.HttpClient." + WebhookSender.ClientName, LogLevel.Warning);
        var enabled = builder.Configuration.GetSection(WorkerOptions.Section).GetValue(nameof(WorkerOptions.Enabled), true);
        builder.AddBus(runWorkers: alwaysRunWorker || enabled);
        if (alwaysRunWorker || enabled)
        {
            builder.Services.AddHostedService<NotificationWorker>();
        }
        return builder;
    }
}
