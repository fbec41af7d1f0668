using Microsoft.Extensions.Options;

namespace Mtc.Cloud.Bus;

internal static class BusSetup
{
    /// <summary>
    /// Broker sinks from <c>Cloud:Bus:Mqtt</c> and <c>Cloud:Bus:Nats</c>; each enabled one gets its worker where the
    /// notification worker runs (the fan-out makes their deliveries). Always registers <see cref="BusSinks"/>, empty when none.
    /// </summary>
    public static WebApplicationBuilder AddBus(this WebApplicationBuilder builder, bool runWorkers)
    {
        builder.Services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var mqtt = builder.Configuration.GetSection(MqttBusOptions.Section).GetValue(nameof(MqttBusOptions.Enabled), false);
        var nats = builder.Configuration.GetSection(NatsBusOptions.Section).GetValue(nameof(NatsBusOptions.Enabled), false);
        List<string> names = [];
        if (mqtt)
        {
            names.Add("mqtt");
            builder.Services.AddOptions<MqttBusOptions>().BindConfiguration(MqttBusOptions.Section).ValidateDataAnnotations()
                .Validate(o => !string.IsNullOrWhiteSpace(o.Enterprise) && !string.IsNullOrWhiteSpace(o.Site) && !string.IsNullOrWhiteSpace(o.Area),
                    "Cloud:Bus:Mqtt:Enterprise, Site and Area must not be empty.")
                .ValidateOnStart();
        }
        if (nats)
        {
            names.Add("nats");
            builder.Services.AddOptions<NatsBusOptions>().BindConfiguration(NatsBusOptions.Section).ValidateDataAnnotations()
                .Validate(o => Uri.TryCreate(o.Url, UriKind.Absolute, out var u) && u.Scheme is "nats" or "tls" or "ws" or "wss",
                    "Cloud:Bus:Nats:Url must be an absolute nats://, tls://, ws:// or wss:// address.")
                .ValidateOnStart();
        }
        var sinks = new BusSinks(runWorkers ? names : []);
        builder.Services.AddSingleton(sinks);
        builder.Services.AddSingleton<BusMetrics>();
        if (runWorkers && mqtt)
        {
            builder.Services.AddSingleton<IHostedService>(sp => Worker(sp, new MqttBusPublisher(
                sp.GetRequiredService<IOptions<MqttBusOptions>>(), sp.GetRequiredService<IOptions<BusOptions>>())));
        }
        if (runWorkers && nats)
        {
            builder.Services.AddSingleton<IHostedService>(sp => Worker(sp, new NatsBusPublisher(
                sp.GetRequiredService<IOptions<NatsBusOptions>>(), sp.GetRequiredService<IOptions<BusOptions>>())));
        }
        return builder;
    }

    /// <summary>A worker per sink: registered directly, as AddHostedService keeps one registration per worker type.</summary>
    private static BusWorker Worker(IServiceProvider sp, IBusPublisher publisher) => ActivatorUtilities.CreateInstance<BusWorker>(sp, publisher);
}
