namespace Mtc.Cloud.Alerts;

internal static class AlertsSetup
{
    /// <summary>The alert rules' evaluation loop and its settings (section <c>Alerts</c>), validated at start.</summary>
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddHostedService<AlertEvaluationService>();
        return builder;
    }
}
