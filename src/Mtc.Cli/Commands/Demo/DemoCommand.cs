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

namespace Mtc.Cli.Commands.Demo;

/// <summary>
/// <c>mtc demo</c>: the whole pipeline in one process — a simulator generating machines and one replaying a real lathe's
/// log, an edge gateway collecting from both, and the cloud API on an SQLite file — with the dashboard's one-time sign-in
/// link and a fresh API key printed for trying the external API.
/// </summary>
internal static class DemoCommand
{
    internal const string Tenant = "demo";

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port of the cloud API (0 = any free port); the edge's status page takes any free port", DefaultValueFactory = _ => 8080 };
        var machines = new Option<int>("--machines") { Description = "How many machines the simulator generates", DefaultValueFactory = _ => 6 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated machines (same seed, same machines)", DefaultValueFactory = _ => 1 };
        var speed = new Option<double>("--speed") { Description = "Run the machines N times faster than real time", DefaultValueFactory = _ => 10 };
        var replay = new Option<bool>("--replay")
        {
            Description = "Also replay a real Okuma lathe's log (recorded at IMTS 2022) as one more machine, in a loop; --replay false leaves it out",
            DefaultValueFactory = _ => true,
        };
        var data = new Option<string>("--data") { Description = "Folder for the cloud database and the edge outbox (kept between runs)", DefaultValueFactory = _ => "mtc-demo" };
        var command = new Command("demo", "Runs simulator, edge gateway and cloud API (SQLite) together in one process and prints the dashboard's "
            + "sign-in link, where else to look and an API key for the external API. Stop with Ctrl+C.")
        {
            port, machines, seed, speed, replay, data,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var settings = new DemoSettings(parse.GetValue(port), parse.GetValue(machines), parse.GetValue(seed), parse.GetValue(speed), parse.GetValue(replay),
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
            var real = s.Replay ? await DemoReplay.StartAsync(s.DataDirectory, s.Speed, logging, ct).ConfigureAwait(false) : null;
            try
            {
                var agents = new[] { agent, real }.OfType<SimulatorHost>().Select(a => a.BaseAddress.ToString().TrimEnd('/')).ToList();
                await RunCloudAndEdgeAsync(s, agents, output, ct).ConfigureAwait(false);
            }
            finally
            {
                if (real is not null)
                {
                    await real.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task RunCloudAndEdgeAsync(DemoSettings s, IReadOnlyList<string> agents, TextWriter output, CancellationToken ct)
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
            var (signIn, _) = await ApiKeyAdmin.CreateSignInLinkAsync(target, Tenant, cloudUrl, TimeProvider.System, ct).ConfigureAwait(false);

            var settings = new Dictionary<string, string?>
            {
                ["Edge:Id"] = "demo-edge",
                ["Edge:DataDirectory"] = Path.Combine(s.DataDirectory, "edge"),
                ["Edge:Cloud:Url"] = cloudUrl,
                ["Edge:Cloud:ApiKey"] = edgeKey,
                ["Edge:Http:Urls"] = "http://127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            for (var i = 0; i < agents.Count; i++)
            {
                settings[$"Edge:Agents:{i.ToString(CultureInfo.InvariantCulture)}:Url"] = agents[i];
            }
            var edge = EdgeHost.Build(null, settings);
            await using (edge.ConfigureAwait(false))
            {
                await edge.StartAsync(ct).ConfigureAwait(false);
                var edgeUrl = edge.Urls.First().TrimEnd('/');
                await output.WriteLineAsync(Banner(cloudUrl, signIn, edgeUrl, agents, apiKey, s)).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                await Task.WhenAny(cloud.WaitForShutdownAsync(ct), edge.WaitForShutdownAsync(ct)).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    private static string Banner(string cloud, string signIn, string edge, IReadOnlyList<string> agents, string apiKey, DemoSettings s) => $"""
        MTConnect Core demo: {Machines(s)} → edge gateway → cloud API (data in {s.DataDirectory})
          dashboard        {cloud}/
          sign in once     {signIn}
                           (valid 10 minutes, once; later sign in at {cloud}/sign-in with the API key)
          cloud API        {cloud}/api/ext/machines      (docs: {cloud}/docs)
          edge status      {edge}/                        (JSON: {edge}/api/status, metrics: {edge}/metrics)
          MTConnect agent  {string.Join("   ", agents.Select(a => a + "/current"))}
          API key          {apiKey}
        Try:
          curl -H "Authorization: Bearer {apiKey}" {cloud}/api/ext/machines
        Stop with Ctrl+C.
        """;

    private static string Machines(DemoSettings s) =>
        $"{s.Machines.ToString(CultureInfo.InvariantCulture)} generated machines" + (s.Replay ? $" and a real Okuma lathe's log ({DemoReplay.Machine})" : "");

    private sealed record DemoSettings(int Port, int Machines, int Seed, double Speed, bool Replay, string DataDirectory)
    {
        public string? Problem() =>
            Port is < 0 or > 65535 ? $"--port must be between 0 and 65535, not {Port}"
            : Machines is < 1 or > 1000 ? $"--machines must be between 1 and 1000, not {Machines}"
            : !(Speed > 0) || double.IsInfinity(Speed) ? $"--speed must be a positive number, not {Speed}"
            : null;
    }
}
