using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mtc.Cloud;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Edge;
using Mtc.Simulator;

namespace Mtc.Cli.Commands;

/// <summary>
/// <c>mtc demo</c>: the whole pipeline in one process — a simulator generating machines, an edge gateway collecting
/// from it, and the cloud API on an SQLite file — with a fresh API key printed for trying the external API.
/// </summary>
internal static class DemoCommand
{
    internal const string Tenant = "demo";

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port of the cloud API (0 = any free port); the edge's status page takes any free port", DefaultValueFactory = _ => 8080 };
        var machines = new Option<int>("--machines") { Description = "How many machines the simulator generates", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated machines (same seed, same machines)", DefaultValueFactory = _ => 1 };
        var speed = new Option<double>("--speed") { Description = "Run the machines N times faster than real time", DefaultValueFactory = _ => 10 };
        var data = new Option<string>("--data") { Description = "Folder for the cloud database and the edge outbox (kept between runs)", DefaultValueFactory = _ => "mtc-demo" };
        var command = new Command("demo", "Runs simulator, edge gateway and cloud API (SQLite) together in one process and prints where to look "
            + "and an API key for the external API. Stop with Ctrl+C.")
        {
            port, machines, seed, speed, data,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var settings = new DemoSettings(parse.GetValue(port), parse.GetValue(machines), parse.GetValue(seed), parse.GetValue(speed),
                Path.GetFullPath(parse.GetValue(data)!));
            if (settings.Problem() is { } problem)
            {
                await error.WriteLineAsync($"mtc demo: {problem}").ConfigureAwait(false);
                return 2;
            }
            try
            {
                await RunAsync(settings, output, ct).ConfigureAwait(false);
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
            catch (Exception e) when (e is IOException or EdgeConfigurationException)
            {
                await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc demo: {e.Message.ReplaceLineEndings(" ")}")).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static async Task RunAsync(DemoSettings s, TextWriter output, CancellationToken ct)
    {
        Directory.CreateDirectory(s.DataDirectory);
        using var logging = LoggerFactory.Create(b => b.AddProvider(new TextWriterLoggerProvider(Console.Error)).SetMinimumLevel(LogLevel.Warning));

        var agent = await SimulatorHost.StartAsync(
            new SimulatorOptions { Port = 0, Generate = s.Machines, Seed = s.Seed, Speed = s.Speed }, logging, cancellationToken: ct).ConfigureAwait(false);
        await using (agent.ConfigureAwait(false))
        {
            var database = $"sqlite:{Path.Combine(s.DataDirectory, "cloud.db")}";
            var cloud = CloudApp.Create(["--db", database, "--urls", $"http://127.0.0.1:{s.Port.ToString(CultureInfo.InvariantCulture)}",
                "--Logging:LogLevel:Default=Warning"]);
            await using (cloud.ConfigureAwait(false))
            {
                await cloud.StartAsync(ct).ConfigureAwait(false);
                var cloudUrl = cloud.Urls.First().TrimEnd('/');
                var target = DatabaseTarget.Parse(database);
                var (_, edgeKey) = await ApiKeyAdmin.CreateAsync(target, Tenant, ["edge:ingest"], "demo edge", TimeProvider.System, ct).ConfigureAwait(false);
                var (_, apiKey) = await ApiKeyAdmin.CreateAsync(target, Tenant, ["ext:read", "ext:write"], "demo integrator", TimeProvider.System, ct).ConfigureAwait(false);

                var edge = EdgeHost.Build(null, new Dictionary<string, string?>
                {
                    ["Edge:Id"] = "demo-edge",
                    ["Edge:DataDirectory"] = Path.Combine(s.DataDirectory, "edge"),
                    ["Edge:Cloud:Url"] = cloudUrl,
                    ["Edge:Cloud:ApiKey"] = edgeKey,
                    ["Edge:Agents:0:Url"] = agent.BaseAddress.ToString().TrimEnd('/'),
                    ["Edge:Http:Urls"] = "http://127.0.0.1:0",
                    ["Logging:LogLevel:Default"] = "Warning",
                });
                await using (edge.ConfigureAwait(false))
                {
                    await edge.StartAsync(ct).ConfigureAwait(false);
                    var edgeUrl = edge.Urls.First().TrimEnd('/');
                    await output.WriteLineAsync(Banner(cloudUrl, edgeUrl, agent.BaseAddress.ToString().TrimEnd('/'), apiKey, s)).ConfigureAwait(false);
                    await output.FlushAsync(ct).ConfigureAwait(false);
                    await Task.WhenAny(cloud.WaitForShutdownAsync(ct), edge.WaitForShutdownAsync(ct)).ConfigureAwait(false);
                    ct.ThrowIfCancellationRequested();
                }
            }
        }
    }

    private static string Banner(string cloud, string edge, string agent, string apiKey, DemoSettings s) => $"""
        MTConnect Core demo: {s.Machines.ToString(CultureInfo.InvariantCulture)} simulated machines → edge gateway → cloud API (data in {s.DataDirectory})
          cloud API        {cloud}/api/ext/machines      (docs: {cloud}/docs)
          edge status      {edge}/                        (JSON: {edge}/api/status, metrics: {edge}/metrics)
          MTConnect agent  {agent}/current
          API key          {apiKey}
        Try:
          curl -H "Authorization: Bearer {apiKey}" {cloud}/api/ext/machines
        Stop with Ctrl+C.
        """;

    private sealed record DemoSettings(int Port, int Machines, int Seed, double Speed, string DataDirectory)
    {
        public string? Problem() =>
            Port is < 0 or > 65535 ? $"--port must be between 0 and 65535, not {Port}"
            : Machines is < 1 or > 1000 ? $"--machines must be between 1 and 1000, not {Machines}"
            : !(Speed > 0) || double.IsInfinity(Speed) ? $"--speed must be a positive number, not {Speed}"
            : null;
    }
}
