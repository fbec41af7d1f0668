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
    private readonly Containers _containers;

    public ImageTests() => _containers = new Containers(_dir);

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
        var cloud = await _containers.StartAsync("cloud", ["-e", $"PORT={port}", "-e", "DATABASE_URL=sqlite:/data/cloud.db", "--entrypoint", start[0]], "cloud", start[1..]);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Containers.WaitForAsync(client, health, cloud);

        Assert.Equal("10001", await Podman.Run("exec", cloud, "id", "-u"));
        Assert.Contains("/app/mtc health", await Podman.Run("inspect", "--format", "{{join .Config.Healthcheck.Test \" \"}}", cloud), StringComparison.Ordinal);
        await Podman.Run("healthcheck", "run", cloud); // exit 0 = healthy
        Assert.True(File.Exists(Path.Combine(_dir, "cloud", "cloud.db")), "DATABASE_URL was not used");
        Assert.Contains("Usage:", await Podman.Run("run", "--rm", Podman.Image, "--help"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_simulator_an_edge_and_the_cloud_from_the_image_deliver_the_machines_data()
    {
        var cloudPort = Tool.FreePort();
        var cloud = await _containers.StartAsync("cloud", ["-e", $"PORT={cloudPort}", "-e", "DATABASE_URL=sqlite:/data/cloud.db"], "cloud", "cloud");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cloudPort}"), Timeout = TimeSpan.FromSeconds(10) };
        await Containers.WaitForAsync(client, "/health/ready", cloud);
        var key = (await Podman.Run("exec", cloud, "/app/mtc", "keys", "create", "--db", "sqlite:/data/cloud.db",
            "--tenant", "acme", "--scopes", "edge:ingest,ext:read")).Trim();

        var (sim, edge, edgePort) = await _containers.StartPlantAsync($"http://127.0.0.1:{cloudPort}", key, machines: 2);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await Containers.WaitForMachinesAsync(client, 2, sim, edge, cloud);
        using var edgeStatus = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var status = JsonDocument.Parse(await edgeStatus.GetStringAsync(new Uri($"http://127.0.0.1:{edgePort}/api/status"))).RootElement;
        Assert.Equal(2, status.GetProperty("machines").GetArrayLength());
        await Podman.Run("healthcheck", "run", edge);
        Assert.True(Directory.Exists(Path.Combine(_dir, "edge", "outbox")), "the edge's outbox is not in its mounted folder");
    }

    public async Task DisposeAsync()
    {
        await _containers.DisposeAsync();
        await Tool.RunAsync("rm", ["-rf", _dir], TimeSpan.FromMinutes(1), check: false);
    }
}
