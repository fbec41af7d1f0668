using System.Globalization;

namespace Mtc.Cloud.Hosting;

internal static class CloudSettings
{
    /// <summary>
    /// Options from the <c>Cloud</c> section, validated at start; the listen address from <c>--urls</c>, or
    /// <c>PORT</c> (as container platforms set it) on all interfaces.
    /// </summary>
    public static WebApplicationBuilder AddCloudSettings(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CloudOptions>().BindConfiguration(CloudOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        // One line per request is too much for a service taking batches all day; the ingest log says what matters.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
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
