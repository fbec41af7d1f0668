using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mtc.Simulator.Agent;
using Mtc.Simulator.Agent.Quirks;
using Mtc.Simulator.Http;
using Mtc.Simulator.Sources;
using Mtc.Simulator.Sources.Generator;
using Mtc.Simulator.Sources.Replay;

namespace Mtc.Simulator;

/// <summary>
/// A running simulated MTConnect agent: Kestrel serving the MTConnect REST API, fed by generated machines
/// or a replayed SHDR log. <c>await using</c> it, or call <see cref="DisposeAsync"/>, to stop it.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _source;
    private readonly Task _mqtt;

    private SimulatorHost(WebApplication app, SimAgent agent, IDataSource source, Uri baseAddress, ILogger log, Mqtt.MqttSink? mqtt)
    {
        _mqtt = mqtt is null ? Task.CompletedTask : Task.Run(() => mqtt.RunAsync(_stopping.Token));
        _app = app;
        Agent = agent;
        Source = source;
        BaseAddress = baseAddress;
        _source = Task.Run(async () =>
        {
            try
            {
                await source.RunAsync(agent, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // A source that fails (an unreadable log, a bug) must not take the agent down with it.
                Log.SourceFailed(log, error);
            }
        });
    }

    /// <summary>Where the agent answers, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    internal SimAgent Agent { get; }
    internal IDataSource Source { get; }

    /// <summary>Checks the options, loads the devices, binds the port and starts serving and simulating.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent (the message says why, in one line).</exception>
    /// <exception cref="InvalidDataException">The devices file or the log cannot be used.</exception>
    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        clock ??= TimeProvider.System;
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var log = loggerFactory.CreateLogger("Mtc.Simulator");
        var sourceClock = new SourceClock(clock, options.Speed);
        IDataSource source = options switch
        {
            { Generate: > 0 } => new GeneratorSource(options.Generate, options.Seed, sourceClock),
            { ShdrLog: { } shdrLog } => new ShdrReplaySource(DevicesFile.Load(options.DevicesFile!), options.Device, shdrLog, sourceClock, options.Loop, options.MaxReplayGap, log),
            { Adapter: { } adapter } => new AdapterSource(DevicesFile.Load(options.DevicesFile!), options.Device, adapter, clock, log),
            _ => new StaticSource(DevicesFile.Load(options.DevicesFile!)),
        };
        return await StartAsync(options, source, loggerFactory, clock, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts an agent fed by <paramref name="source"/> (benchmarks and tests bring their own).</summary>
    internal static async Task<SimulatorHost> StartAsync(SimulatorOptions options, IDataSource source, ILoggerFactory loggerFactory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var log = loggerFactory.CreateLogger("Mtc.Simulator");
        SchemaVersion.TryParse(options.Version, out var version);
        var quirks = AgentQuirks.Find(options.Quirks)!;
        var agent = new SimAgent(AgentDevice.With(source.Catalog, version, quirks), version, options.BufferSize, clock) { Quirks = quirks };
        if (agent.Catalog.ById(AgentDevice.AvailabilityId) is { } available)
        {
            agent.Buffer.Add(new SourceValue(available, agent.Now, "AVAILABLE"));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(agent);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (IPAddress.TryParse(options.Host, out var address))
            {
                kestrel.Listen(address, options.Port);
            }
            else if (string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(options.Port);
            }
            else
            {
                kestrel.ListenAnyIP(options.Port);
            }
        });
        var app = builder.Build();
        app.MapFaultApi();
        app.MapAgentApi();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new UriBuilder(bound);
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }

        var baseAddress = new Uri(uri.Uri.GetLeftPart(UriPartial.Authority) + "/");
        Log.Listening(log, version.Text, quirks.Name, baseAddress, string.Join(", ", agent.Catalog.Devices.Select(d => d.Name)));
        var mqtt = options.TryParseMqtt(out var mqttHost, out var mqttPort)
            ? new Mqtt.MqttSink(agent, mqttHost, mqttPort, options.MqttTopicPrefix, options.MqttSampleInterval, options.MqttCurrentInterval, log,
                options.MqttTopics.Equals("Entities", StringComparison.OrdinalIgnoreCase))
            : null;
        return new SimulatorHost(app, agent, source, baseAddress, log, mqtt);
    }

    /// <summary>
    /// Same as <c>POST /_sim/restart?down=SECONDS</c>: a new instanceId, the buffer emptied, sequences from 1, every data
    /// item UNAVAILABLE then its last value again, streams cut; for <paramref name="down"/> every request's connection is
    /// cut while the sources fill the new instance. Returns the new instanceId.
    /// </summary>
    public long Restart(TimeSpan down = default) => Agent.Restart(down);

    /// <summary>Same as <c>POST /_sim/stall?seconds=N</c>: streams send nothing, not even heartbeats, for <paramref name="duration"/>.</summary>
    public void StallStreams(TimeSpan duration) => Agent.Stall(duration);

    /// <summary>Same as <c>POST /_sim/drop</c>: every open stream is cut.</summary>
    public void DropConnections() => Agent.DropConnections();

    /// <summary>Completes when the host is stopped.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Agent.DropConnections();
        await _source.ConfigureAwait(false);
        await _mqtt.ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
