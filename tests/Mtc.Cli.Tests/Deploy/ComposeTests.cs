using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Mtc.Cloud.Tests.Contract;
using Xunit.Abstractions;

namespace Mtc.Cli.Tests.Deploy;

/// <summary>
/// deploy/compose.yaml brought up with podman-compose from this checkout's image and a PostgreSQL built from
/// deploy/postgres/Containerfile: both API replicas are ready, the one-shot service made the edge's key, the simulator's
/// machines arrive through the edge with a status and observations and read the same from either replica, a fleet-page
/// sign-in on one replica holds on the other, and the worker answers its health checks and serves its metrics. The stack
/// and its volumes are taken down afterwards, also when the test fails (its output then holds <c>podman-compose logs</c>).
/// </summary>
[Collection(nameof(ImageTests))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ComposeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Machines = 3;
    private static readonly string ComposeFile = Path.Combine(ToolProcess.RepositoryRoot(), "deploy", "compose.yaml");
    private readonly string _project = "mtc-compose-" + Guid.NewGuid().ToString("N")[..8];
    private readonly (int Cloud1, int Cloud2, int Edge, int Worker) _ports = (Tool.FreePort(), Tool.FreePort(), Tool.FreePort(), Tool.FreePort());
    private bool _up;

    public Task InitializeAsync() => Podman.EnsurePostgresImageAsync();

    [Fact]
    public async Task The_compose_stack_brings_the_simulators_machines_through_the_edge_to_both_api_replicas_with_a_worker()
    {
        try
        {
            _up = true;
            await ComposeAsync(TimeSpan.FromMinutes(3), "up", "-d");

            using var cloud1 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports.Cloud1}"), Timeout = TimeSpan.FromSeconds(10) };
            using var cloud2 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports.Cloud2}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitReadyAsync(cloud1);
            await WaitReadyAsync(cloud2);

            // The operator's key, made as docs/deploy.md says.
            var created = await ComposeAsync(TimeSpan.FromMinutes(1), "exec", "-T", "cloud-1", "/app/mtc", "keys", "create", "--tenant", "acme", "--scopes", "ext:read,ui:read");
            var key = created.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("mtc_", StringComparison.Ordinal));
            cloud1.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            cloud2.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

            // The simulator's machines, each with a status, through the edge (which uses the key edge-key made) into the database.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            List<string> ids;
            while (true)
            {
                ids = await MachinesWithStatusAsync(cloud2);
                if (ids.Count == Machines)
                {
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"{ids.Count} of {Machines} machines with a status reached the cloud");
                await Task.Delay(500);
            }
            Assert.Equal(ids.Order(StringComparer.Ordinal), (await MachinesWithStatusAsync(cloud1)).Order(StringComparer.Ordinal));
            var observations = JsonDocument.Parse(await cloud1.GetStringAsync(new Uri($"/api/ext/machines/{ids[0]}/observations?limit=50", UriKind.Relative)))
                .RootElement.GetProperty("items");
            Assert.True(observations.GetArrayLength() > 0, $"no observations of {ids[0]}");

            // The fleet page's sign-in cookie from one replica is valid on the other (they share the data-protection key ring in the database).
            using var cookies = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
            using var browser = new HttpClient(cookies) { Timeout = TimeSpan.FromSeconds(10) };
            using (var signIn = await browser.PostAsync(new Uri($"http://127.0.0.1:{_ports.Cloud1}/sign-in"),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key })))
            {
                Assert.Equal(HttpStatusCode.Found, signIn.StatusCode);
            }
            var session = cookies.CookieContainer.GetCookies(new Uri($"http://127.0.0.1:{_ports.Cloud1}/"))["mtc_session"];
            Assert.NotNull(session);
            // A cookie is the host's, whatever the port: the container sends it to the other replica as a browser would.
            using (var fleet = await browser.GetAsync(new Uri($"http://127.0.0.1:{_ports.Cloud2}/")))
            {
                Assert.Equal(HttpStatusCode.OK, fleet.StatusCode);
            }

            var edgeKey = await Podman.Run("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", $"{_project}_edge-key_1");
            Assert.Equal("exited 0", edgeKey);
            Assert.Equal("running", await Podman.Run("inspect", "--format", "{{.State.Status}}", $"{_project}_worker_1"));
            await ComposeAsync(TimeSpan.FromMinutes(1), "exec", "-T", "worker", "/app/mtc", "health"); // exit 0: /health/live answered
            using var worker = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports.Worker}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitReadyAsync(worker);
            Assert.Contains("mtc_cloud_deliveries_total", await worker.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
            using var edge = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var status = JsonDocument.Parse(await edge.GetStringAsync(new Uri($"http://127.0.0.1:{_ports.Edge}/api/status"))).RootElement;
            Assert.Equal(Machines, status.GetProperty("machines").GetArrayLength());
        }
        catch (Exception)
        {
            output.WriteLine(await ComposeAsync(TimeSpan.FromMinutes(1), check: false, "logs", "--tail", "40"));
            throw;
        }
    }

    private static async Task<List<string>> MachinesWithStatusAsync(HttpClient client)
    {
        using var answer = await client.GetAsync(new Uri("/api/ext/machines", UriKind.Relative));
        if (!answer.IsSuccessStatusCode)
        {
            return [];
        }
        return [.. JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
            .Where(m => m.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String)
            .Select(m => m.GetProperty("id").GetString()!)];
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var last = "no answer";
        while (true)
        {
            try
            {
                using var answer = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                last = answer.StatusCode.ToString();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{client.BaseAddress} did not answer /health/ready: {last}");
            await Task.Delay(500);
        }
    }

    private Task<string> ComposeAsync(TimeSpan timeout, params string[] args) => ComposeAsync(timeout, check: true, args);

    /// <summary>podman-compose on this test's project, with its images and ports in the variables compose.yaml reads.</summary>
    private Task<string> ComposeAsync(TimeSpan timeout, bool check, params string[] args) => Tool.RunAsync("env",
    [
        $"MTC_IMAGE={Podman.Image}", $"MTC_POSTGRES_IMAGE={Podman.PostgresImage}", $"MTC_SIM_MACHINES={Tool.Invariant(Machines)}",
        $"MTC_CLOUD_PORT_1={Tool.Invariant(_ports.Cloud1)}", $"MTC_CLOUD_PORT_2={Tool.Invariant(_ports.Cloud2)}", $"MTC_EDGE_PORT={Tool.Invariant(_ports.Edge)}",
        $"MTC_WORKER_PORT={Tool.Invariant(_ports.Worker)}",
        "podman-compose", "-p", _project, "-f", ComposeFile, .. args,
    ], timeout, check);

    public async Task DisposeAsync()
    {
        if (_up)
        {
            await ComposeAsync(TimeSpan.FromMinutes(2), check: false, "down", "-v");
            // podman-compose 1.0.3 leaves the project's network behind.
            await Tool.RunAsync("podman", ["network", "rm", "-f", $"{_project}_default"], TimeSpan.FromMinutes(1), check: false);
        }
    }
}
