using System.Text.Json;
using System.Xml.Linq;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>Simulator → edge → cloud as real processes: every sequence the agent served arrives once, through crashes and outages.</summary>
[Collection(nameof(EndToEndCollection))]
public sealed class DeliveryTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Steady_state_delivers_every_served_sequence_exactly_once()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "7", "--speed", "100");
        await p.StartCloudAsync();
        await p.StartEdgeAsync();
        var first = await p.EdgeContinuedFromAsync();

        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 400), Long, p.Logs);
        await AssertExactlyOnceAsync(p, first);
        // Nothing was sent twice: the cloud counted no batch that brought nothing new.
        var metrics = await p.Http.GetStringAsync(new Uri(p.CloudUri, "/metrics"));
        Assert.True(IngestBatches(metrics, "accepted") > 0, metrics);
        Assert.Equal(0, IngestBatches(metrics, "duplicate"));

        // The edge's analytics: every machine gets derived status intervals, each stored once.
        await Pipeline.WaitUntilAsync(() =>
        {
            var (machines, events) = p.CloudDerivedEvents();
            return Task.FromResult(machines.Count == 2 && machines.All(m => events.Any(e => e.Machine == m && e.Type == "status")));
        }, Long, () => $"derived events: {string.Join(", ", p.CloudDerivedEvents().Events)}\n{p.Logs()}");
        var derived = p.CloudDerivedEvents().Events;
        Assert.Equal(derived.Count, derived.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task Killing_the_edge_repeatedly_while_it_streams_still_delivers_exactly_once()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "11", "--speed", "100");
        await p.StartCloudAsync();
        await p.StartEdgeAsync(batchMaxRecords: 50);
        var first = await p.EdgeContinuedFromAsync();
        var random = new Random(5);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(random.Next(300, 1500));
            p.Edge!.Kill(); // kill -9: no shutdown code runs
            await p.StartEdgeAsync(batchMaxRecords: 50);
            var resumed = await p.EdgeContinuedFromAsync();
            Assert.True(resumed > first, $"restart {i} resumed from {resumed}, after the first start at {first}");
        }
        await AssertExactlyOnceAsync(p, first);
    }

    [Fact]
    public async Task Polling_instead_of_streaming_delivers_exactly_once()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "4", "--speed", "100");
        await p.StartCloudAsync();
        await p.StartEdgeAsync(streaming: false);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 400), Long, p.Logs);
        await AssertExactlyOnceAsync(p, first);
    }

    [Fact]
    public async Task A_silent_stream_is_dropped_after_three_heartbeats_and_collection_resumes_exactly_once()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "6", "--speed", "100");
        await p.StartCloudAsync();
        await p.StartEdgeAsync(heartbeat: "00:00:01");
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);

        // The agent sends nothing, not even heartbeats, for longer than 3 × 1 s.
        await p.PostSimAsync("/_sim/stall?seconds=6");
        await p.Edge!.WaitForAsync("no data for .* \\(3× heartbeat\\)", Long);
        await p.EdgeContinuedFromAsync(1);
        await AssertExactlyOnceAsync(p, first);
    }

    [Fact]
    public async Task Cloud_outage_backlog_drains_exactly_once()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "3", "--speed", "100");
        var cloud = await p.StartCloudAsync();
        await p.StartEdgeAsync();
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);

        p.StopCloud();
        var delivered = p.CloudObservations().Count;
        // The edge keeps collecting into its outbox while the cloud is away.
        await Pipeline.WaitUntilAsync(async () =>
        {
            var s = await p.EdgeStatusAsync();
            return s.GetProperty("outbox").GetProperty("records").GetInt64() >= 300
                && s.GetProperty("uplink").GetProperty("batchesRetried").GetInt64() > 0;
        }, Long, p.Logs);

        await p.StartCloudAsync(cloud.Port);
        await AssertExactlyOnceAsync(p, first);
        Assert.True(p.CloudObservations().Count > delivered + 300);
    }

    [Fact]
    public async Task Killing_the_cloud_while_a_backlog_drains_with_several_batches_in_flight_still_delivers_exactly_once()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "4", "--speed", "100");
        var cloud = await p.StartCloudAsync();
        // Small batches: a backlog of a few thousand records is many batches, four in flight at a time.
        p.EdgeEnvironment["Edge__Cloud__BatchesInFlight"] = "4";
        await p.StartEdgeAsync(batchMaxRecords: 50);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);

        p.StopCloud();
        await Pipeline.WaitUntilAsync(async () => (await p.EdgeStatusAsync()).GetProperty("outbox").GetProperty("records").GetInt64() >= 1500,
            Long, p.Logs);
        var hwmAtRestart = (await p.EdgeStatusAsync()).GetProperty("uplink").GetProperty("hwm").GetInt64();
        await p.StartCloudAsync(cloud.Port);
        // Killed again while batches are in flight: as soon as the drain has moved.
        await Pipeline.WaitUntilAsync(async () => (await p.EdgeStatusAsync()).GetProperty("uplink").GetProperty("hwm").GetInt64() > hwmAtRestart + 100,
            Long, p.Logs);
        p.StopCloud();
        await p.StartCloudAsync(cloud.Port);
        await AssertExactlyOnceAsync(p, first);
    }

    [Fact]
    public async Task Killing_the_edge_repeatedly_while_it_drains_a_backlog_with_several_batches_in_flight_delivers_exactly_once()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "8", "--speed", "100");
        var cloud = await p.StartCloudAsync();
        await p.StartEdgeAsync(batchMaxRecords: 50);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);

        p.StopCloud();
        await Pipeline.WaitUntilAsync(async () => (await p.EdgeStatusAsync()).GetProperty("outbox").GetProperty("records").GetInt64() >= 3000,
            Long, p.Logs);
        await p.StartCloudAsync(cloud.Port);
        var random = new Random(9);
        for (var i = 0; i < 4; i++)
        {
            // kill -9 while batches of 50 records are in flight, four at a time: as soon as the drain has moved.
            var hwm = (await p.EdgeStatusAsync()).GetProperty("uplink").GetProperty("hwm").GetInt64();
            await Pipeline.WaitUntilAsync(async () => (await p.EdgeStatusAsync()).GetProperty("uplink").GetProperty("hwm").GetInt64() > hwm + 100,
                Long, p.Logs);
            await Task.Delay(random.Next(0, 200));
            p.Edge!.Kill();
            await p.StartEdgeAsync(batchMaxRecords: 50);
            await p.EdgeContinuedFromAsync();
        }
        await AssertExactlyOnceAsync(p, first);
    }

    [Fact]
    public async Task Simulator_restart_records_a_gap_and_collection_continues_from_the_new_instance()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "1", "--seed", "5", "--speed", "100");
        await p.StartCloudAsync();
        await p.StartEdgeAsync();
        await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 50), Long, p.Logs);
        var before = p.CloudObservations().Keys.Select(k => k.Instance).Distinct().Single();

        await p.PostSimAsync("/_sim/restart");
        var after = (string)XDocument.Parse(await p.Http.GetStringAsync(new Uri(p.SimUri, "/current")))
            .Descendants().First(e => e.Name.LocalName == "Header").Attribute("instanceId")!;
        Assert.NotEqual(before, after);

        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Keys.Count(k => k.Instance == after) >= 50), Long, p.Logs);
        var gap = Assert.Single(p.CloudGaps());
        Assert.Equal(JsonValueKind.Null, gap.TryGetProperty("missed", out var m) ? m.ValueKind : JsonValueKind.Null);
        Assert.Contains("restarted", gap.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.All(p.CloudObservations().Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_batch_the_cloud_refuses_is_quarantined_counted_and_kept()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "1", "--seed", "2", "--speed", "100");
        // This cloud takes at most 10 records per batch; the edge sends up to 500: a 400 that no retry can fix.
        await p.StartCloudAsync(0, "--Cloud:MaxRecordsPerBatch", "10");
        await p.StartEdgeAsync(batchMaxRecords: 500);
        await Pipeline.WaitUntilAsync(async () =>
            (await p.EdgeStatusAsync()).GetProperty("uplink").GetProperty("batchesQuarantined").GetInt64() >= 2, Long, p.Logs);

        var status = await p.EdgeStatusAsync();
        var quarantinedRecords = status.GetProperty("outbox").GetProperty("quarantinedRecords").GetInt64();
        Assert.True(quarantinedRecords > 10);
        var metrics = await p.Http.GetStringAsync(new Uri(p.EdgeUri, "/metrics"));
        Assert.Contains("mtc_edge_uplink_batches_total{otel_scope_name=\"Mtc.Edge\",result=\"quarantined\"}", metrics, StringComparison.Ordinal);
        var page = await p.Http.GetStringAsync(p.EdgeUri);
        Assert.Contains("batches refused by the cloud", page, StringComparison.Ordinal);

        // Kept on disk with the cloud's answer and the exact body, records as counted.
        p.Edge!.Kill();
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(p.EdgeData, "outbox.db")};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT status_code, records, batch, reason FROM quarantine";
        using var r = cmd.ExecuteReader();
        long total = 0;
        long batches = 0;
        while (r.Read())
        {
            batches++;
            Assert.Equal(400, r.GetInt32(0));
            using var body = JsonDocument.Parse((byte[])r.GetValue(2));
            Assert.Equal(r.GetInt64(1), body.RootElement.GetProperty("records").GetArrayLength());
            Assert.Contains("10", r.GetString(3), StringComparison.Ordinal);
            total += r.GetInt64(1);
        }
        Assert.True(total >= quarantinedRecords);

        // The cloud counts the same batches for that edge: each refusal is kept before the 400 goes out, so it may know of one
        // more, answered while the edge was being killed.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(p.CloudUri, "/api/ext/edges/" + Uri.EscapeDataString(status.GetProperty("edgeId").GetString()!)));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", p.ApiKey);
        using var response = await p.Http.SendAsync(request);
        var edge = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.InRange(edge.GetProperty("refusedBatches").GetInt64(), batches, batches + 1);
    }

    [Fact]
    public async Task An_outbox_restored_from_a_backup_still_delivers_everything_it_collects_after_the_restore()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "8", "--speed", "100");
        await p.StartCloudAsync();
        await p.StartEdgeAsync(batchMaxRecords: 50);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 200), Long, p.Logs);

        // The operator's backup: the edge's data folder copied (here while the edge is stopped hard).
        p.Edge!.Kill();
        var backup = p.EdgeData + "-backup";
        CopyDirectory(p.EdgeData, backup);
        var backupHwm = p.CloudStreams().Single().Hwm;

        // The edge runs on and the cloud's high-water mark for its stream moves far past what the backup has sent.
        await p.StartEdgeAsync(batchMaxRecords: 50);
        await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudStreams().Single().Hwm > backupHwm + 1500), Long, p.Logs);

        // The disk is lost and the backup restored: the outbox assigns again seqs the cloud already holds.
        p.Edge!.Kill();
        Directory.Delete(p.EdgeData, recursive: true);
        CopyDirectory(backup, p.EdgeData);
        await p.StartEdgeAsync(batchMaxRecords: 50);
        await p.EdgeContinuedFromAsync();
        await p.Edge!.WaitForAsync("restored from a backup or copied from another edge", Long);

        // What it collected again and what is new both arrive: every served sequence once, now under a second stream.
        await AssertExactlyOnceAsync(p, first);
        Assert.Equal(2, p.CloudStreams().Count);
    }

    /// <summary>The cloud's <c>mtc_cloud_ingest_batches_total</c> for one result, 0 when it has none.</summary>
    private static double IngestBatches(string metrics, string result) => metrics.Split('\n')
        .Where(l => l.StartsWith("mtc_cloud_ingest_batches_total{", StringComparison.Ordinal) && l.Contains($"result=\"{result}\"", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static async Task AssertExactlyOnceAsync(Pipeline p, long first)
    {
        var (_, compared) = await p.AssertExactlyOnceAsync(first, Long);
        Assert.True(compared > 100, $"only {compared} sequences were compared");
    }
}

[CollectionDefinition(nameof(EndToEndCollection), DisableParallelization = true)]
public sealed class EndToEndCollection;
