using System.Net;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Observability;

/// <summary>
/// /metrics of the real cloud process after real ingest: every metric the alert rules and the dashboard use is exported,
/// with the values the traffic should give. A process of its own, because a meter listener sees every meter of its
/// process by name, and the other test hosts running in parallel have <c>Mtc.Cloud</c> meters too.
/// </summary>
public sealed class MetricsExportTests : IAsyncLifetime
{
    private readonly SqliteBackend _sqlite = new();
    private CloudProcess _cloud = null!;
    private HttpClient _edge = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        var db = await _sqlite.NewDatabaseAsync();
        await using (var store = db.Open())
        {
            await store.MigrateAsync(CancellationToken.None);
        }
        var key = (await ApiKeyAdmin.CreateAsync(db, "acme", ["edge:ingest"], "test", TimeProvider.System, CancellationToken.None)).Key;
        // An MQTT sink whose broker is away (nothing listens on port 1): its bus metrics are exported all the same.
        _cloud = await CloudProcess.StartAsync(db, "--Cloud:MetricsRefreshSeconds", "1", "--Cloud:Bus:Mqtt:Enabled=true",
            "--Cloud:Bus:Mqtt:Host=127.0.0.1", "--Cloud:Bus:Mqtt:Port=1");
        _edge = _cloud.ClientWith(key);
        _anonymous = new HttpClient { BaseAddress = _cloud.Address };
    }

    public async Task DisposeAsync()
    {
        _edge.Dispose();
        _anonymous.Dispose();
        await _cloud.DisposeAsync();
        _sqlite.Dispose();
    }

    [Fact]
    public async Task Every_metric_the_rules_and_dashboard_use_is_exported_after_ingest()
    {
        var scrape = await AfterTrafficAsync();
        var used = DeployFiles.NamesInAlertRules();
        used.UnionWith(DeployFiles.NamesInDashboard());
        Assert.True(used.Count >= 10, "expected the rules and dashboard to use the cloud's metrics: " + string.Join(", ", used));
        var missing = used.Where(n => !scrape.Names.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"not exported: {string.Join(", ", missing)}\n{scrape.Text}");
    }

    [Fact]
    public async Task Ingest_results_problems_and_edge_gauges_have_the_values_of_the_traffic()
    {
        var before = DateTimeOffset.UtcNow;
        var scrape = await AfterTrafficAsync();
        Assert.Equal(1, scrape.Value("mtc_cloud_ingest_batches_total", ("result", "accepted")));
        Assert.Equal(1, scrape.Value("mtc_cloud_ingest_batches_total", ("result", "duplicate")));
        Assert.Equal(1, scrape.Value("mtc_cloud_ingest_batches_total", ("result", "rejected")));
        Assert.Equal(10, scrape.Value("mtc_cloud_ingest_observations_total", ("result", "accepted")));
        Assert.Equal(10, scrape.Value("mtc_cloud_ingest_observations_total", ("result", "skipped")));
        Assert.Equal(1, scrape.Value("mtc_cloud_ingest_duration_seconds_count", ("result", "rejected")));
        Assert.Equal(1, scrape.Value("mtc_cloud_http_problems_total", ("type", "invalid-request"), ("status", "400")));
        Assert.Equal(1, scrape.Value("mtc_cloud_http_problems_total", ("type", "unauthorized"), ("status", "401")));
        Assert.Equal(1, scrape.Value("mtc_cloud_ready"));
        Assert.True(scrape.Value("mtc_cloud_database_duration_seconds_count", ("operation", "ingest"), ("outcome", "ok")) >= 2);

        var lastContact = scrape.Value("mtc_cloud_edge_last_contact_seconds", ("tenant", "acme"), ("edge", "e1"))!.Value;
        Assert.InRange(lastContact, before.ToUnixTimeSeconds() - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        // The newest observation of the batch is at T0 + 10 s: the lag is the time since then.
        var expectedLag = (DateTimeOffset.UtcNow - Batches.T0.AddSeconds(10)).TotalSeconds;
        Assert.InRange(scrape.Value("mtc_cloud_edge_lag_seconds", ("tenant", "acme"), ("edge", "e1"))!.Value, expectedLag - 30, expectedLag + 1);
    }

    /// <summary>One accepted batch of 10 observations, the same again (duplicate), a refused one, an unauthenticated one; then the scrape once the gauges saw the edge.</summary>
    private async Task<Scrape> AfterTrafficAsync()
    {
        var batch = Batches.Observations("e1", "s1", 1, 10);
        Assert.Equal(10, (await Batches.PostOkAsync(_edge, batch)).Accepted);
        Assert.Equal(10, (await Batches.PostOkAsync(_edge, batch)).Skipped);
        using (var refused = await Batches.PostAsync(_edge, batch with { FromSeq = 0 }))
        {
            await Batches.ProblemAsync(refused, 400, "invalid-request");
        }
        var anonymous = _anonymous;
        using (var unauthorized = await Batches.PostAsync(anonymous, batch))
        {
            await Batches.ProblemAsync(unauthorized, 401, "unauthorized");
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var scrape = new Scrape(await anonymous.GetStringAsync("/metrics"));
            if (scrape.Value("mtc_cloud_edge_last_contact_seconds", ("edge", "e1")) is not null || DateTime.UtcNow > deadline)
            {
                return scrape;
            }
            await Task.Delay(200);
        }
    }
}

/// <summary>/metrics behind a key, and switched off.</summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task Metrics_require_the_key_when_one_is_set_and_are_gone_when_disabled()
    {
        using var sqlite = new SqliteBackend();
        await using (var keyed = new CloudFactory(await sqlite.NewDatabaseAsync(), new Dictionary<string, string?> { ["Cloud:MetricsKey"] = "scrape-secret" }))
        {
            using var anonymous = keyed.ClientWith(null);
            using (var refused = await anonymous.GetAsync("/metrics"))
            {
                await Batches.ProblemAsync(refused, 401, "unauthorized");
            }
            using var wrong = keyed.ClientWith("scrape-secreT");
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);
            using var scraper = keyed.ClientWith("scrape-secret");
            Assert.Contains("mtc_cloud_ready", await scraper.GetStringAsync("/metrics"), StringComparison.Ordinal);
        }
        await using var off = new CloudFactory(await sqlite.NewDatabaseAsync(), new Dictionary<string, string?> { ["Cloud:MetricsEnabled"] = "false" });
        using var client = off.ClientWith(null);
        using var gone = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }
}
