using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// One edge, at its default settings, collecting 500 generated machines from one simulator for ten minutes at over 20,000
/// observations/s, delivering to a cloud on SQLite: every sequence served is stored once, the edge's memory stays bounded,
/// its CPU per 1,000 observations/s is reported, and its status page and <c>/api/status</c> stay fast while it works.
/// Opt-in (<c>MTC_EDGE_SCALE=1</c>) because it takes minutes.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class ScaleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StatusEvery = TimeSpan.FromMilliseconds(200);

    [ScaleFact]
    public async Task Five_hundred_machines_on_one_edge_are_delivered_exactly_once_with_bounded_memory_and_a_fast_status()
    {
        var machines = Setting("MTC_EDGE_SCALE_MACHINES", 500);
        var seconds = Setting("MTC_EDGE_SCALE_SECONDS", 600);
        var speed = Setting("MTC_EDGE_SCALE_SPEED", 60);
        var timeout = TimeSpan.FromSeconds(seconds) + TimeSpan.FromMinutes(5);
        await using var p = new Pipeline();
        // The buffer is a few tens of seconds of the run: enough for the edge and the follower below, not the whole run.
        await p.StartSimAsync("--generate", machines.ToString(CultureInfo.InvariantCulture), "--seed", "21",
            "--speed", speed.ToString(CultureInfo.InvariantCulture), "--buffer", "2000000");
        await p.StartCloudAsync();
        await p.StartEdgeWithDefaultsAsync();
        var first = await p.EdgeContinuedFromAsync();
        await using var follower = await SimSequenceFollower.StartAsync(p.Http, p.SimUri, first);
        await Pipeline.WaitUntilAsync(async () => (await p.EdgeStatusAsync()).GetProperty("machines").EnumerateArray()
            .Count(m => m.GetProperty("observations").GetInt64() > 0) == machines, Pipeline.StartTimeout, p.Logs);

        // The measured window: the edge's collected count, CPU and RSS, and the status endpoints timed every 200 ms.
        using var status = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var page = new List<double>();
        var api = new List<double>();
        var rss = new List<double>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var collected0 = Collected(await p.EdgeStatusAsync());
        var cpu0 = ThroughputTests.CpuSeconds(p.Edge!.Id);
        var clock = Stopwatch.StartNew();
        var timing = TimeStatusAsync(status, p.EdgeUri, page, api, stop.Token);
        while (!stop.IsCancellationRequested)
        {
            rss.Add(ThroughputTests.RssMiB(p.Edge.Id));
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            Assert.Null(follower.Failure);
        }
        await timing;
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = (ThroughputTests.CpuSeconds(p.Edge.Id) - cpu0) / elapsed;
        var end = await p.EdgeStatusAsync();
        var rate = (Collected(end) - collected0) / elapsed;
        var rssEnd = ThroughputTests.RssMiB(p.Edge.Id);
        var backlog = end.GetProperty("outbox").GetProperty("records").GetInt64();
        output.WriteLine($"{machines} machines, --speed {speed}, {elapsed:0} s: the edge collected {rate:0} observations/s; outbox backlog at the end {backlog} records");
        output.WriteLine($"edge CPU {cpu * 100:0.0} % of one core: {cpu * 100 / (rate / 1000):0.00} % of a core per 1,000 observations/s; RSS max {rss.Max():0} MiB, end {rssEnd:0} MiB");
        output.WriteLine($"status page ({page.Count} requests): p50 {Percentile(page, 0.5):0.0} ms, p99 {Percentile(page, 0.99):0.0} ms, max {page.Max():0.0} ms");
        output.WriteLine($"/api/status ({api.Count} requests): p50 {Percentile(api, 0.5):0.0} ms, p99 {Percentile(api, 0.99):0.0} ms, max {api.Max():0.0} ms");

        // Every sequence the simulator served to machines from the edge's start to now, stored once.
        var last = await p.SimLastSequenceAsync();
        await p.WaitDeliveredThroughAsync(last, timeout);
        await follower.WaitThroughAsync(last, timeout);
        var counts = p.CloudSequenceCounts(follower.Instance, first, last);
        long expected = 0, missing = 0, twice = 0, stray = 0;
        for (var s = first; s <= last; s++)
        {
            var n = counts[s - first];
            if (follower.IsMachineSequence(s))
            {
                expected++;
                missing += n == 0 ? 1 : 0;
                twice += n > 1 ? 1 : 0;
            }
            else
            {
                stray += n > 0 ? 1 : 0;
            }
        }
        output.WriteLine($"exactly once: {expected} sequences served in [{first}, {last}]: {missing} missing, {twice} stored more than once, {stray} stored that no machine was served");
        Assert.Equal(0, missing);
        Assert.Equal(0, twice);
        Assert.Equal(0, stray);

        Assert.True(rate >= 20_000.0 * machines / 500, $"only {rate:0} observations/s: raise MTC_EDGE_SCALE_SPEED");
        Assert.True(rss.Max() < 300, $"edge RSS reached {rss.Max():0} MiB");
        Assert.True(Percentile(page, 0.99) < 100, $"status page p99 {Percentile(page, 0.99):0} ms");
        Assert.True(Percentile(api, 0.99) < 100, $"/api/status p99 {Percentile(api, 0.99):0} ms");
        Assert.Equal(machines, end.GetProperty("machines").GetArrayLength());
    }

    /// <summary>Requests the page and <c>/api/status</c> every 200 ms until stopped, recording each one's time in ms.</summary>
    private static async Task TimeStatusAsync(HttpClient http, Uri edge, List<double> page, List<double> api, CancellationToken ct)
    {
        var pageUri = new Uri(edge, "/");
        var apiUri = new Uri(edge, "/api/status");
        while (!ct.IsCancellationRequested)
        {
            var tick = Stopwatch.StartNew();
            page.Add(await TimeAsync(http, pageUri));
            api.Add(await TimeAsync(http, apiUri));
            var rest = StatusEvery - tick.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(rest, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The time to the whole answer's last byte, in ms.</summary>
    private static async Task<double> TimeAsync(HttpClient http, Uri uri)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseContentRead);
        response.EnsureSuccessStatusCode();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static long Collected(JsonElement status) =>
        status.GetProperty("sources").EnumerateArray().Sum(s => s.GetProperty("observations").GetInt64());

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}

/// <summary>Runs only with <c>MTC_EDGE_SCALE=1</c>: the measurement takes over ten minutes.</summary>
public sealed class ScaleFactAttribute : FactAttribute
{
    public ScaleFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MTC_EDGE_SCALE") != "1")
        {
            Skip = "opt-in measurement (minutes): set MTC_EDGE_SCALE=1 to run it (MTC_EDGE_SCALE_MACHINES, MTC_EDGE_SCALE_SECONDS, MTC_EDGE_SCALE_SPEED change 500 machines, 600 s, --speed 60)";
        }
    }
}
