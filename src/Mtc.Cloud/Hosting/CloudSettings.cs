using System.Globalization;
using Microsoft.Extensions.Configuration.Memory;
using Mtc.Core.Hosting;

namespace Mtc.Cloud.Hosting;

internal static class CloudSettings
{
    /// <summary>
    /// Options from the <c>Cloud</c> section, validated at start; the listen address from <c>--urls</c>, or
    /// <c>PORT</c> (as container platforms set it) on all interfaces.
    /// </summary>
    public static WebApplicationBuilder AddCloudSettings(this WebApplicationBuilder builder)
    {
        // Below every other source: a setting or an environment variable changes any of these.
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new MemoryConfigurationSource { InitialData = ConsoleLogDefaults.Settings });
        SettingsCatalog.Check(builder.Configuration);
        builder.Services.AddOptions<CloudOptions>().BindConfiguration(CloudOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        // Under systemd: READY=1 once started, the journal's log format; as a Windows service: the service lifetime.
        // Elsewhere neither does anything.
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && builder.Configuration["PORT"] is { Length: > 0 } port)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                throw new FormatException($"PORT '{port}' is not a port number (1-65535).");
            }
            builder.WebHost.UseUrls($"http://0.0.0.0:{p}");
        }
        builder.WebHost.ConfigureKestrel((ctx, k) =>
            k.Limits.MaxRequestBodySize = ctx.Configuration.GetSection(CloudOptions.Section).Get<CloudOptions>()?.MaxBodyBytes
                ?? new CloudOptions().MaxBodyBytes);
        return builder;
    }
}
