using System.Diagnostics;
using System.Globalization;
using Mtc.Cloud.Benchmarks;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// The backlog drain after a long cloud outage, measured on both stores: many machines, the cloud stopped until the backlog
/// is large (a time or a record count), then restarted; the backlog must drain, exactly once, and the rate is compared with
/// a raw COPY (PostgreSQL) or a bulk insert (SQLite) of the same rows in batches of the same size. Opt-in
/// (<c>MTC_EDGE_OUTAGE=1</c>) because it takes minutes; CI runs the short outage in <see cref="DeliveryTests"/>.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class OutageTests(ITestOutputHelper output)
{
    /// <summary>The edge's default batch bound, which the baseline's batches follow.</summary>
    private const int BatchRecords = 20_000;

    [OutageFact]
    public Task A_cloud_outage_drains_its_backlog_into_sqlite_exactly_once_and_the_drain_rate_is_reported() => DrainAsync(postgres: false);

    [OutageFact]
    public Task A_cloud_outage_drains_its_backlog_into_postgres_exactly_once_and_the_drain_rate_is_reported() => DrainAsync(postgres: true);

    private async Task DrainAsync(bool postgres)
    {
        var machines = Setting("MTC_EDGE_OUTAGE_MACHINES", 50);
        var outage = TimeSpan.FromSeconds(Setting("MTC_EDGE_OUTAGE_SECONDS", 120));
        var records = Setting("MTC_EDGE_OUTAGE_RECORDS", 0);
        var inFlight = Setting("MTC_EDGE_OUTAGE_IN_FLIGHT", 0);
        var timeout = outage * 3 + TimeSpan.FromMinutes(records / 100_000 + 2);
        await using var server = postgres ? await ThrowawayPostgres.StartAsync(durable: true) : null;
        await using var p = new Pipeline();
        if (server is not null)
        {
            p.UsePostgres(await CreateDatabaseAsync(server, "mtc_drain"));
        }
        // The buffer holds the whole run, so the check can read back everything the simulator served.
        await p.StartSimAsync("--generate", machines.ToString(CultureInfo.InvariantCulture), "--seed", "21", "--speed", "100", "--buffer", "4000000");
        var cloud = await p.StartCloudAsync();
        if (inFlight > 0)
        {
            p.EdgeEnvironment["Edge__Cloud__BatchesInFlight"] = inFlight.ToString(CultureInfo.InvariantCulture);
        }
        await p.StartEdgeAsync(batchMaxRecords: BatchRecords);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count > 1000), timeout, p.Logs);

        // Down for the given time, or (MTC_EDGE_OUTAGE_RECORDS) until the outbox holds that many records.
        p.StopCloud();
        var down = Stopwatch.StartNew();
        if (records > 0)
        {
            await Pipeline.WaitUntilAsync(async () => (await p.EdgeStatusAsync()).GetProperty("outbox").GetProperty("records").GetInt64() >= records,
                timeout, p.Logs);
        }
        else
        {
            await Task.Delay(outage);
        }
        var atRestart = await p.EdgeStatusAsync();
        var backlog = atRestart.GetProperty("outbox").GetProperty("records").GetInt64();
        var backlogLastSeq = atRestart.GetProperty("outbox").GetProperty("lastSeq").GetInt64();
        var oldestAge = atRestart.GetProperty("outbox").GetProperty("oldestAgeSeconds").GetDouble();
        var fileBytes = atRestart.GetProperty("outbox").GetProperty("fileBytes").GetInt64();
        var edgeRss = ThroughputTests.RssMiB(p.Edge!.Id);
        Assert.True(atRestart.GetProperty("uplink").TryGetProperty("failingSince", out _), "the edge did not notice the outage");
        Assert.Equal(0, atRestart.GetProperty("outbox").GetProperty("droppedRecords").GetInt64());

        // Back up: time from the cloud listening again until the cloud acknowledged every record that waited at the restart.
        var storedBefore = p.CloudObservations().Count;
        await p.StartCloudAsync(cloud.Port);
        var meter = server is null ? null : await CpuMeter.ForServerAsync(server.ConnectionString());
        var clock = Stopwatch.StartNew();
        var edgeCpu0 = ThroughputTests.CpuSeconds(p.Edge.Id);
        var cloudCpu0 = ThroughputTests.CpuSeconds(p.Cloud!.Id);
        var pgCpu0 = meter?.Read().Postgres ?? 0;
        await Pipeline.WaitUntilAsync(async () =>
            (await p.EdgeStatusAsync()).GetProperty("uplink").GetProperty("hwm").GetInt64() >= backlogLastSeq, timeout, p.Logs);
        var drain = clock.Elapsed.TotalSeconds;
        var edgeCpu = (ThroughputTests.CpuSeconds(p.Edge.Id) - edgeCpu0) / drain;
        var cloudCpu = (ThroughputTests.CpuSeconds(p.Cloud.Id) - cloudCpu0) / drain;
        var pgCpu = ((meter?.Read().Postgres ?? 0) - pgCpu0) / drain;
        var storedAfter = p.CloudObservations().Count;
        // What each side counted of the drain's batches, by result (a 409 predecessor-missing is a batch that overtook the one before it).
        output.WriteLine("cloud batches: " + Counts(await p.Http.GetStringAsync(new Uri(p.CloudUri, "/metrics")), "mtc_cloud_ingest_batches_total{") +
            "; edge batches: " + Counts(await p.Http.GetStringAsync(new Uri(p.EdgeUri, "/metrics")), "mtc_edge_uplink_batches_total{"));
        var store = postgres ? "PostgreSQL" : "SQLite";
        output.WriteLine($"{store}: {machines} machines, {(inFlight > 0 ? inFlight.ToString(CultureInfo.InvariantCulture) : "default")} batches in flight, cloud down {down.Elapsed.TotalSeconds:0} s: backlog {backlog} records, oldest {oldestAge:0} s, outbox files {fileBytes / 1048576.0:0.0} MiB, edge RSS {edgeRss:0} MiB");
        output.WriteLine($"drained in {drain:0.0} s: {backlog / drain:0} records/s; the cloud stored {(storedAfter - storedBefore) / drain:0} observations/s meanwhile; " +
            $"CPU edge {edgeCpu * 100:0} %, cloud {cloudCpu * 100:0} %{(postgres ? $", PostgreSQL {pgCpu * 100:0} %" : "")} of one core; load average {LoadAverage()}");

        // Exactly once: everything the simulator served from the edge's start to now, each stored once.
        var (last, compared) = await p.AssertExactlyOnceAsync(first, timeout);
        Assert.True(backlog > 10_000, $"the backlog was only {backlog} records");
        output.WriteLine($"exactly once: {compared} sequences served in [{first}, {last}], each stored once");

        // The baseline: the same rows, stored again by the bare store in batches of the edge's size, into a fresh database.
        p.StopCloud();
        var (rows, seconds) = postgres
            ? await DrainBaseline.CopyPostgresAsync(p.CloudDatabase.ConnectionString, await CreateDatabaseAsync(server!, "mtc_baseline"), BatchRecords)
            : await DrainBaseline.InsertSqliteAsync(p.CloudDb, Path.Combine(Path.GetDirectoryName(p.CloudDb)!, "baseline.db"), BatchRecords);
        output.WriteLine($"baseline ({(postgres ? "raw binary COPY" : "bulk insert, a prepared statement")}, {BatchRecords} rows a transaction): {rows} rows in {seconds:0.0} s, " +
            $"{rows / seconds:0} rows/s; drain / baseline = {backlog / drain / (rows / seconds):0.00}; load average {LoadAverage()}");
    }

    private static async Task<string> CreateDatabaseAsync(ThrowawayPostgres server, string name)
    {
        await using (var c = new NpgsqlConnection(server.ConnectionString()))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        return server.ConnectionString(name);
    }

    /// <summary>A Prometheus counter's values by their <c>result</c> label: "accepted 12, duplicate 0".</summary>
    private static string Counts(string metrics, string prefix) => string.Join(", ", metrics.Split('\n')
        .Where(l => l.StartsWith(prefix, StringComparison.Ordinal) && l.Contains("result=\"", StringComparison.Ordinal))
        .Select(l =>
        {
            var at = l.IndexOf("result=\"", StringComparison.Ordinal) + 8;
            return $"{l[at..l.IndexOf('"', at)]} {l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0]}";
        }));

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}

/// <summary>Runs only with <c>MTC_EDGE_OUTAGE=1</c>: the measurement takes several minutes.</summary>
public sealed class OutageFactAttribute : FactAttribute
{
    public OutageFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MTC_EDGE_OUTAGE") != "1")
        {
            Skip = "opt-in measurement (minutes): set MTC_EDGE_OUTAGE=1 to run it (MTC_EDGE_OUTAGE_MACHINES, MTC_EDGE_OUTAGE_SECONDS, MTC_EDGE_OUTAGE_RECORDS, MTC_EDGE_OUTAGE_IN_FLIGHT change 50 machines, 120 s, no record target, the edge's default batches in flight)";
        }
    }
}
