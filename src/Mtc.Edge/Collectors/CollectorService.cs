using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;

namespace Mtc.Edge.Collectors;

/// <summary>Runs one collector per configured source until the host stops.</summary>
internal sealed class CollectorService(
    IOptions<EdgeOptions> options, IHttpClientFactory http, OutboxStore outbox, EdgeState state, EdgeMetrics metrics,
    TimeProvider time, ILoggerFactory logs) : BackgroundService
{
    public const string AgentHttpClient = "agents";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var log = logs.CreateLogger("Mtc.Edge.Collectors");
        var runs = new List<Task>();
        foreach (var a in options.Value.Agents)
        {
            var client = new AgentClient(http.CreateClient(AgentHttpClient), new Uri(a.Url), options.Value.SourceLimits(), a.RequestTimeout);
            var collector = new AgentCollector(a, client, outbox, state, metrics, time, log);
            runs.Add(Task.Run(() => collector.RunAsync(stoppingToken), stoppingToken));
        }
        foreach (var a in options.Value.Adapters)
        {
            var collector = new ShdrCollector(a, outbox, state, metrics, time, log, options.Value.SourceLimits());
            runs.Add(Task.Run(() => collector.RunAsync(stoppingToken), stoppingToken));
        }
        foreach (var c in options.Value.Counters)
        {
            var collector = new Modbus.ModbusCollector(c, outbox, state, metrics, time, log);
            runs.Add(Task.Run(async () =>
            {
                using (collector)
                {
                    await collector.RunAsync(stoppingToken).ConfigureAwait(false);
                }
            }, stoppingToken));
        }
        for (var i = 0; i < options.Value.Mqtt.Count; i++)
        {
            var m = options.Value.Mqtt[i];
            var clientId = m.ClientId.Length > 0 ? m.ClientId : string.Create(CultureInfo.InvariantCulture, $"mtc-edge-{options.Value.Id}-{i}");
            var collector = new Mqtt.MqttCollector(m, clientId, outbox, state, metrics, time, log, options.Value.SourceLimits());
            runs.Add(Task.Run(() => collector.RunAsync(stoppingToken), stoppingToken));
        }
        return Task.WhenAll(runs);
    }
}
