using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mtc.Core.Hosting;
using Mtc.Edge.Collectors;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;
using Mtc.Edge.Uplink;
using OpenTelemetry.Metrics;

namespace Mtc.Edge;

/// <summary>The edge gateway host: configuration, outbox, collectors, uplink and the local API.</summary>
public static class EdgeHost
{
    /// <summary>
    /// Reads <paramref name="configPath"/> (JSON; may be null to use the environment only) and the environment
    /// (<c>Edge__Cloud__ApiKey</c>), validates it and builds the host. Throws <see cref="EdgeConfigurationException"/>
    /// with a one-line reason when the settings cannot work.
    /// </summary>
    public static WebApplication Build(string? configPath, IDictionary<string, string?>? overrides = null)
    {
        ReserveThreads();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        // Below every other source: the config file, an environment variable or --log-format changes any of these.
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new MemoryConfigurationSource { InitialData = ConsoleLogDefaults.Settings });
        var baseDir = Directory.GetCurrentDirectory();
        if (configPath is not null)
        {
            var full = Path.GetFullPath(configPath);
            if (!File.Exists(full))
            {
                throw new EdgeConfigurationException($"{configPath}: the config file does not exist.");
            }
            baseDir = Path.GetDirectoryName(full)!;
            try
            {
                builder.Configuration.AddJsonFile(full, optional: false, reloadOnChange: false);
            }
            catch (InvalidDataException e)
            {
                throw new EdgeConfigurationException($"{configPath}: not valid JSON: {e.InnerException?.Message ?? e.Message}".ReplaceLineEndings(" "));
            }
        }
        builder.Configuration.AddEnvironmentVariables();
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        var options = new EdgeOptions();
        try
        {
            builder.Configuration.GetSection(EdgeOptions.Section).Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // A setting inside a list item (Counters[]:Channels[]) fails a level deeper: the innermost binder error names it.
            var named = e;
            for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (inner is InvalidOperationException invalid)
                {
                    named = invalid;
                }
            }
            throw new EdgeConfigurationException((named == e ? e.InnerException?.Message ?? e.Message : named.Message).ReplaceLineEndings(" "));
        }
        Resolve(options, baseDir);
        var errors = EdgeOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new EdgeConfigurationException(errors.Count == 1 ? errors[0] : $"{errors[0]} (and {errors.Count - 1} more: {string.Join(" ", errors.Skip(1))})");
        }

        foreach (var adapter in options.Adapters)
        {
            ShdrCollector.ResolveDevice(adapter);
        }

        builder.WebHost.UseUrls(options.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.Logging.AddConsole();
        var services = builder.Services;
        // Under systemd: READY=1 once started (Type=notify), the journal's log format, stop on SIGTERM; as a Windows
        // service: the service lifetime. Elsewhere neither does anything.
        services.AddSystemd();
        services.AddWindowsService();
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => OutboxStore.Open(options.DataDirectory, options.Outbox.MaxBytes, options.Outbox.Synchronous, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EdgeState>();
        services.AddSingleton<OutboxStatsCache>();
        services.AddSingleton(sp => new EdgeMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<OutboxStatsCache>().Get, sp.GetRequiredService<TimeProvider>()));
        services.AddHttpClient<CloudClient>();
        services.AddHttpClient(CollectorService.AgentHttpClient, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHostedService<CollectorService>();
        services.AddHostedService<UplinkService>();
        services.AddHostedService<HeartbeatService>();
        services.AddHostedService<OutboxStatsRefresher>();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(EdgeMetrics.MeterName).AddPrometheusExporter());

        var app = builder.Build();
        app.MapEdgeApi();
        app.UseOpenTelemetryPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Builds, opens the outbox and runs until <paramref name="ct"/> is cancelled or the process is asked to stop.</summary>
    public static async Task RunAsync(WebApplication app, TextWriter stdout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(stdout);
        var options = app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value;
        var outbox = app.Services.GetRequiredService<OutboxStore>();
        Log.Started(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mtc.Edge"), options.Id, outbox.Path, outbox.StreamId, outbox.GetStats().Records);
        await app.StartAsync(ct).ConfigureAwait(false);
        foreach (var url in app.Urls)
        {
            await stdout.WriteLineAsync($"mtc edge: listening on {url}").ConfigureAwait(false);
        }
        await stdout.FlushAsync(ct).ConfigureAwait(false);
        await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Collectors and the uplink commit to SQLite synchronously on pool threads, one each while they work; with the
    /// runtime's minimum of one worker per core, a busy two-core edge had no free worker for a status request until the
    /// pool added one (about every half second), so the status page took up to a second while the edge collected.
    /// Enough workers are kept ready for every loop plus the local API.
    /// </summary>
    private static void ReserveThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = Environment.ProcessorCount + 16;
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }
    }

    /// <summary>Paths in the config file are relative to the file.</summary>
    private static void Resolve(EdgeOptions o, string baseDir)
    {
        if (!string.IsNullOrWhiteSpace(o.DataDirectory) && !o.DataDirectory.Contains(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            o.DataDirectory = Path.GetFullPath(o.DataDirectory, baseDir);
        }
        foreach (var a in o.Adapters.Where(a => !string.IsNullOrWhiteSpace(a.Devices)))
        {
            a.Devices = Path.GetFullPath(a.Devices, baseDir);
        }
    }
}
