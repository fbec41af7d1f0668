using System.Net;
using System.Net.Http.Headers;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Cloud.Tests.Observability;

namespace Mtc.Cloud.Tests.Webhooks;

/// <summary>
/// <c>mtc worker</c> as a real process serves <c>/metrics</c> with the delivery metrics (behind <c>Cloud:MetricsKey</c> when
/// set, not at all with <c>Cloud:MetricsEnabled=false</c>) and <c>/health/ready</c>. The in-process host only ingests.
/// </summary>
public sealed class WorkerMetricsTests() : ApiTestBase(new SqliteBackend())
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cloud:Worker:Enabled"] = "false",
        ["Cloud:Webhooks:AllowPrivateNetworks"] = "true",
    };

    [Fact]
    public async Task The_worker_exports_what_it_delivered_behind_the_metrics_key()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await Webhooks.SubscribeAsync(Admin, receiver.Url("/hook"), "*");
        await using var worker = await CloudProcess.StartWorkerAsync(Db, "--Cloud:Webhooks:AllowPrivateNetworks=true",
            "--Cloud:Worker:PollIntervalSeconds=0.1", "--Cloud:MetricsKey=scrape-secret");
        using var anonymous = new HttpClient { BaseAddress = worker.Address };
        using var scraper = new HttpClient { BaseAddress = worker.Address };
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-secret");

        // Before anything is delivered, each outcome is exported at 0 and nothing waits.
        var before = new Scrape(await scraper.GetStringAsync("/metrics"));
        foreach (var status in new[] { "sent", "retry", "err" })
        {
            Assert.Equal(0, before.Value("mtc_cloud_deliveries_total", ("status", status)));
        }
        Assert.Equal(0, before.Value("mtc_cloud_worker_queue_depth"));

        await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-1", "s1", 1, 1));
        await receiver.WaitUntilAsync(r => r.DeliveredIds.Count == 1, Patience, "one delivery");
        var after = await ScrapeUntilAsync(scraper, s => s.Value("mtc_cloud_deliveries_total", ("status", "sent")) == 1
            && s.Value("mtc_cloud_worker_queue_depth") == 0);
        Assert.Equal(0, after.Value("mtc_cloud_deliveries_total", ("status", "retry")));
        Assert.Equal(0, after.Value("mtc_cloud_deliveries_total", ("status", "err")));
        Assert.Equal(0, after.Value("mtc_cloud_worker_oldest_age_seconds"));
        // The API replicas export ingest and the per-edge gauges; a worker does not repeat them.
        Assert.DoesNotContain(after.Names, n => n.StartsWith("mtc_cloud_ingest", StringComparison.Ordinal) || n == "mtc_cloud_ready");

        using var refused = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.False(worker.HasExited, worker.Output);
    }

    [Fact]
    public async Task A_worker_with_metrics_off_serves_no_metrics_and_stays_ready()
    {
        await using var worker = await CloudProcess.StartWorkerAsync(Db, "--Cloud:MetricsEnabled=false");
        using var client = new HttpClient { BaseAddress = worker.Address };
        using var metrics = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("ok", await client.GetStringAsync("/health/live"), StringComparison.Ordinal);
    }

    private static async Task<Scrape> ScrapeUntilAsync(HttpClient client, Func<Scrape, bool> done)
    {
        var until = DateTime.UtcNow + Patience;
        Scrape scrape;
        do
        {
            scrape = new Scrape(await client.GetStringAsync("/metrics"));
            if (done(scrape))
            {
                return scrape;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < until);
        Assert.Fail("the worker's metrics never showed the delivery:\n" + scrape.Text);
        return scrape;
    }
}
