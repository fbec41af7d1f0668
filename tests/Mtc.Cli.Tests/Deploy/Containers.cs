using System.Net;
using System.Text.Json;

namespace Mtc.Cli.Tests.Deploy;

/// <summary>
/// Containers of the image on the host's network, removed at the end, and what a plant runs from it: a simulator and an edge
/// that sends the simulator's machines to a cloud.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class Containers(string dir) : IAsyncDisposable
{
    private readonly string _prefix = "mtc-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _names = [];

    /// <summary>Starts <paramref name="command"/> in a container; <paramref name="mount"/>: a folder under the test's, as <c>/data</c>.</summary>
    public async Task<string> StartAsync(string name, string[] options, string? mount, params string[] command)
    {
        var container = $"{_prefix}-{name}";
        var args = new List<string> { "run", "-d", "--name", container, "--network", "host" };
        if (mount is not null)
        {
            var folder = Path.Combine(dir, mount);
            Directory.CreateDirectory(folder);
            // The image runs as uid 10001: the mounted folders must be writable for it.
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
            args.AddRange(["-v", $"{folder}:/data"]);
        }
        args.AddRange(options);
        args.Add(Podman.Image);
        args.AddRange(command);
        _names.Add(container);
        await Podman.Run([.. args]);
        return container;
    }

    /// <summary>
    /// <c>mtc sim</c> generating <paramref name="machines"/> machines and <c>mtc edge</c> reading it and sending to the cloud at
    /// <paramref name="cloudUrl"/> with <paramref name="key"/> (edge:ingest); returns the containers and the edge's status port.
    /// </summary>
    public async Task<(string Sim, string Edge, int EdgePort)> StartPlantAsync(string cloudUrl, string key, int machines)
    {
        var (simPort, edgePort) = (Tool.FreePort(), Tool.FreePort());
        var sim = await StartAsync("sim", [], null, "sim", "--port", Tool.Invariant(simPort), "--generate", Tool.Invariant(machines), "--speed", "20", "--seed", "7");
        var edgeDir = Path.Combine(dir, "edge");
        Directory.CreateDirectory(edgeDir);
        File.SetUnixFileMode(edgeDir, (UnixFileMode)0b111_111_111);
        await File.WriteAllTextAsync(Path.Combine(edgeDir, "edge.json"), JsonSerializer.Serialize(new
        {
            Edge = new
            {
                Id = "plant-1",
                DataDirectory = "/data/outbox",
                Cloud = new { Url = cloudUrl },
                Agents = new[] { new { Url = $"http://127.0.0.1:{simPort}" } },
                Http = new { Urls = $"http://127.0.0.1:{edgePort}" },
            },
        }));
        var edge = await StartAsync("edge", ["-e", $"Edge__Cloud__ApiKey={key}", "-e", $"MTC_HEALTH_URL=http://127.0.0.1:{edgePort}/health/live"], "edge",
            "edge", "--config", "/data/edge.json");
        return (sim, edge, edgePort);
    }

    /// <summary>Waits until the cloud lists <paramref name="count"/> machines with a status (its client holds an ext:read key).</summary>
    public static async Task WaitForMachinesAsync(HttpClient cloud, int count, params string[] containers)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var answer = await cloud.GetAsync("/api/ext/machines");
            var machines = answer.IsSuccessStatusCode
                ? JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
                    .Where(m => m.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String).ToList()
                : [];
            if (machines.Count == count)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the machines did not reach the cloud: {answer.StatusCode}\n{await LogsAsync(containers)}");
            await Task.Delay(500);
        }
    }

    /// <summary>Waits until <paramref name="client"/> answers 200 at <paramref name="path"/>; the container's logs when it does not.</summary>
    public static Task WaitForAsync(HttpClient client, string path, string container) =>
        WaitForAsync(client, path, TimeSpan.FromSeconds(60), async () => $"{container} did not answer {path}:\n{await LogsAsync(container)}");

    /// <summary>Waits until <paramref name="client"/> answers 200 at <paramref name="path"/>; fails with what <paramref name="explain"/> says.</summary>
    public static async Task WaitForAsync(HttpClient client, string path, TimeSpan timeout, Func<Task<string>> explain)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var answer = await client.GetAsync(path);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(await explain());
            }
            await Task.Delay(300);
        }
    }

    public static async Task<string> LogsAsync(params string[] containers)
    {
        var all = new List<string>();
        foreach (var c in containers)
        {
            all.Add($"--- {c}\n" + await Tool.RunAsync("podman", ["logs", "--tail", "40", c], TimeSpan.FromSeconds(30), check: false));
        }
        return string.Join('\n', all);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _names)
        {
            await Tool.RunAsync("podman", ["rm", "-f", "-t", "2", c], TimeSpan.FromMinutes(1), check: false);
        }
    }
}
