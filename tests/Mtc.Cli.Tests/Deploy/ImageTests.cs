using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Mtc.Cli.Tests.Deploy;

/// <summary>
/// The image built from deploy/Dockerfile, run with podman: the cloud alone (non-root, its health check, PORT and
/// DATABASE_URL), then a simulator, an edge and the cloud, each a container of the same image, with the simulator's
/// machines arriving in the cloud through the edge.
/// </summary>
[Collection(nameof(ImageTests))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ImageTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mtc-image-").FullName;
    private readonly string _prefix = "mtc-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _containers = [];

    public Task InitializeAsync()
    {
        // The image runs as uid 10001: the mounted folders must be writable for it.
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_111_111);
        return Podman.EnsureImageAsync();
    }

    [Fact]
    public async Task The_image_runs_the_cloud_as_railway_starts_it_as_a_non_root_user_with_a_health_check()
    {
        // As railway.toml says: its start command, PORT and DATABASE_URL from the platform, its health path.
        var railway = JsonDocument.Parse(await Tool.RunAsync("/usr/bin/python3",
            ["-c", "import json, sys, tomllib; print(json.dumps(tomllib.load(open('railway.toml', 'rb'))))"], TimeSpan.FromSeconds(30))).RootElement;
        Assert.Equal("DOCKERFILE", railway.GetProperty("build").GetProperty("builder").GetString());
        Assert.True(File.Exists(Path.Combine(Mtc.Cloud.Tests.Contract.ToolProcess.RepositoryRoot(), railway.GetProperty("build").GetProperty("dockerfilePath").GetString()!)));
        var start = railway.GetProperty("deploy").GetProperty("startCommand").GetString()!.Split(' ');
        var health = railway.GetProperty("deploy").GetProperty("healthcheckPath").GetString()!;

        var port = Tool.FreePort();
        var cloud = await StartAsync("cloud", ["-e", $"PORT={port}", "-e", "DATABASE_URL=sqlite:/data/cloud.db", "--entrypoint", start[0]], "cloud", start[1..]);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitForAsync(client, health, cloud);

        Assert.Equal("10001", await Podman.Run("exec", cloud, "id", "-u"));
        Assert.Contains("/app/mtc health", await Podman.Run("inspect", "--format", "{{join .Config.Healthcheck.Test \" \"}}", cloud), StringComparison.Ordinal);
        await Podman.Run("healthcheck", "run", cloud); // exit 0 = healthy
        Assert.True(File.Exists(Path.Combine(_dir, "cloud", "cloud.db")), "DATABASE_URL was not used");
        Assert.Contains("Usage:", await Podman.Run("run", "--rm", Podman.Image, "--help"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_simulator_an_edge_and_the_cloud_from_the_image_deliver_the_machines_data()
    {
        var (cloudPort, simPort, edgePort) = (Tool.FreePort(), Tool.FreePort(), Tool.FreePort());
        var cloud = await StartAsync("cloud", ["-e", $"PORT={cloudPort}", "-e", "DATABASE_URL=sqlite:/data/cloud.db"], "cloud");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cloudPort}"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitForAsync(client, "/health/ready", cloud);
        var key = (await Podman.Run("exec", cloud, "/app/mtc", "keys", "create", "--db", "sqlite:/data/cloud.db",
            "--tenant", "acme", "--scopes", "edge:ingest,ext:read")).Trim();

        var sim = await StartAsync("sim", [], null, "sim", "--port", Tool.Invariant(simPort), "--generate", "2", "--speed", "20", "--seed", "7");
        Directory.CreateDirectory(Path.Combine(_dir, "edge"));
        File.SetUnixFileMode(Path.Combine(_dir, "edge"), (UnixFileMode)0b111_111_111);
        await File.WriteAllTextAsync(Path.Combine(_dir, "edge", "edge.json"), JsonSerializer.Serialize(new
        {
            Edge = new
            {
                Id = "plant-1",
                DataDirectory = "/data/outbox",
                Cloud = new { Url = $"http://127.0.0.1:{cloudPort}" },
                Agents = new[] { new { Url = $"http://127.0.0.1:{simPort}" } },
                Http = new { Urls = $"http://127.0.0.1:{edgePort}" },
            },
        }));
        var edge = await StartAsync("edge", ["-e", $"Edge__Cloud__ApiKey={key}", "-e", $"MTC_HEALTH_URL=http://127.0.0.1:{edgePort}/health/live"], "edge",
            "edge", "--config", "/data/edge.json");

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var answer = await client.GetAsync("/api/ext/machines");
            var machines = answer.IsSuccessStatusCode
                ? JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
                    .Where(m => m.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String).ToList()
                : [];
            if (machines.Count == 2)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the machines did not reach the cloud: {answer.StatusCode}\n{await LogsAsync(sim, edge, cloud)}");
            await Task.Delay(500);
        }
        using var edgeStatus = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var status = JsonDocument.Parse(await edgeStatus.GetStringAsync(new Uri($"http://127.0.0.1:{edgePort}/api/status"))).RootElement;
        Assert.Equal(2, status.GetProperty("machines").GetArrayLength());
        await Podman.Run("healthcheck", "run", edge);
        Assert.True(Directory.Exists(Path.Combine(_dir, "edge", "outbox")), "the edge's outbox is not in its mounted folder");
    }

    private async Task<string> StartAsync(string name, string[] options, string? mount, params string[] command)
    {
        var container = $"{_prefix}-{name}";
        var args = new List<string> { "run", "-d", "--name", container, "--network", "host" };
        if (mount is not null)
        {
            var dir = Path.Combine(_dir, mount);
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
            args.AddRange(["-v", $"{dir}:/data"]);
        }
        args.AddRange(options);
        args.Add(Podman.Image);
        args.AddRange(command);
        _containers.Add(container);
        await Podman.Run([.. args]);
        return container;
    }

    private async Task WaitForAsync(HttpClient client, string path, string container)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
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
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"{container} did not answer {path}:\n{await LogsAsync(container)}");
            await Task.Delay(300);
        }
    }

    private static async Task<string> LogsAsync(params string[] containers)
    {
        var all = new List<string>();
        foreach (var c in containers)
        {
            all.Add($"--- {c}\n" + await Tool.RunAsync("podman", ["logs", "--tail", "40", c], TimeSpan.FromSeconds(30), check: false));
        }
        return string.Join('\n', all);
    }

    public async Task DisposeAsync()
    {
        foreach (var c in _containers)
        {
            await Tool.RunAsync("podman", ["rm", "-f", "-t", "2", c], TimeSpan.FromMinutes(1), check: false);
        }
        await Tool.RunAsync("rm", ["-rf", _dir], TimeSpan.FromMinutes(1), check: false);
    }
}
