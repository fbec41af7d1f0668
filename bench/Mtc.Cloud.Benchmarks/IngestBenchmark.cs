using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;
using Mtc.Cloud.Storage;
using Mtc.Core.Wire;
using Npgsql;
using NpgsqlTypes;

namespace Mtc.Cloud.Benchmarks;

/// <summary>
/// Observations per second through <c>POST /api/ext/data</c> (gzip batches, one batch in flight per stream)
/// against a raw binary COPY of the same rows in the same batches into the same table, in the same run.
/// </summary>
internal static class IngestBenchmark
{
    private static readonly DateTimeOffset Day = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(BenchServer server, int rows, int batchSize, int streams, int rounds)
    {
        Console.WriteLine($"ingest: {rows:N0} observations, batches of {batchSize:N0}, {streams} streams in parallel, {Environment.ProcessorCount} cores");
        var batches = Enumerable.Range(0, streams).Select(s => MakeBatches(s, rows / streams, batchSize)).ToList();
        var bodies = batches.Select(list => list.Select(Gzip).ToList()).ToList();
        Console.WriteLine($"  gzip body per batch: {bodies[0][0].Length / 1024.0:F0} KiB ({JsonSerializer.SerializeToUtf8Bytes(batches[0][0], WireJsonContext.Default.IngestBatch).Length / 1024.0:F0} KiB plain)");

        // Warm-up, one unreported round of each: the JIT's tiers and its profile-guided recompilation, pools, plans.
        await CopyAsync(server, batches);
        await HttpAsync(server, bodies, rows / streams * streams);

        var http = new List<double>();
        var copy = new List<double>();
        var httpCpu = new List<double>();
        var copyCpu = new List<double>();
        var total = rows / streams * streams;
        for (var round = 0; round < rounds; round++)
        {
            var (copyRate, copyUse) = await CopyAsync(server, batches);
            var (httpRate, httpUse) = await HttpAsync(server, bodies, total);
            copy.Add(copyRate);
            http.Add(httpRate);
            copyCpu.Add((copyUse.Self + copyUse.Postgres) * 1e6 / total);
            httpCpu.Add((httpUse.Self + httpUse.Postgres) * 1e6 / total);
            Console.WriteLine($"  round {round + 1}: COPY {copyRate:N0} obs/s, HTTP {httpRate:N0} obs/s; " +
                $"CPU µs/obs COPY {Micro(copyUse.Self, total)} client + {Micro(copyUse.Postgres, total)} PostgreSQL, " +
                $"HTTP {Micro(httpUse.Self, total)} client and cloud + {Micro(httpUse.Postgres, total)} PostgreSQL");
        }
        var h = Median(http);
        var c = Median(copy);
        Console.WriteLine($"ingest median: HTTP {h:N0} obs/s, raw COPY {c:N0} obs/s, ratio {h / c:F2}");
        if (copyCpu.Sum() > 0)
        {
            // On two cores shared with other work, waiting for a core blurs the rates; the CPU each observation costs does not.
            var hc = Median(httpCpu);
            var cc = Median(copyCpu);
            Console.WriteLine($"CPU per observation (this process + PostgreSQL), median: HTTP {hc:F2} µs, raw COPY {cc:F2} µs, " +
                $"ratio {cc / hc:F2}; on {Environment.ProcessorCount} idle cores that is at most {Environment.ProcessorCount / hc * 1e6:N0} obs/s over HTTP");
        }
    }

    private static string Micro(double seconds, int observations) => (seconds * 1e6 / observations).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<(double Self, double Postgres)> Measure(CpuMeter? meter, Func<Task> work)
    {
        var before = meter?.Read() ?? default;
        await work();
        var after = meter?.Read() ?? default;
        return (after.Self - before.Self, after.Postgres - before.Postgres);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static List<IngestBatch> MakeBatches(int stream, int rows, int batchSize)
    {
        var list = new List<IngestBatch>();
        for (var from = 1; from <= rows; from += batchSize)
        {
            var to = Math.Min(rows, from + batchSize - 1);
            var records = new List<WireRecord>(to - from + 1);
            for (var seq = from; seq <= to; seq++)
            {
                var item = seq % 40;
                records.Add(new ObservationRecord
                {
                    Seq = seq,
                    MachineId = "m" + stream,
                    InstanceId = "1700000000",
                    Sequence = 100_000 + seq,
                    DataItemId = "x" + item,
                    Name = "item" + item,
                    Category = item < 30 ? "SAMPLE" : "EVENT",
                    Type = item < 30 ? "POSITION" : "EXECUTION",
                    SubType = item < 30 ? "ACTUAL" : null,
                    Timestamp = Day.AddMilliseconds(seq * 50L),
                    Value = item < 30 ? (seq * 0.001).ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "ACTIVE",
                });
            }
            list.Add(new IngestBatch("edge-" + stream, "stream-" + stream, from, to, records));
        }
        return list;
    }

    private static byte[] Gzip(IngestBatch batch)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        {
            JsonSerializer.Serialize(gz, batch, WireJsonContext.Default.IngestBatch);
        }
        return output.ToArray();
    }

    private static async Task<(double Rate, (double Self, double Postgres) Cpu)> HttpAsync(BenchServer server, List<List<byte[]>> bodies, int expected)
    {
        var db = await server.NewDatabaseAsync();
        await using var host = await CloudHost.StartAsync(db);
        var meter = await CpuMeter.ForServerAsync(db);
        var accepted = Array.Empty<long>();
        var watch = Stopwatch.StartNew();
        var cpu = await Measure(meter, async () => accepted = await Task.WhenAll(bodies.Select(async list =>
        {
            long total = 0;
            foreach (var body in list)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                content.Headers.ContentEncoding.Add("gzip");
                using var response = await host.Client.PostAsync("/api/ext/data", content);
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
                }
                total += JsonSerializer.Deserialize(text, WireJsonContext.Default.IngestResult)!.Accepted;
            }
            return total;
        })));
        var elapsed = watch.Elapsed.TotalSeconds;
        if (accepted.Sum() != expected || await CountAsync(db) != expected)
        {
            throw new InvalidOperationException($"HTTP ingest stored {await CountAsync(db)} of {expected} observations");
        }
        return (expected / elapsed, cpu);
    }

    private static async Task<(double Rate, (double Self, double Postgres) Cpu)> CopyAsync(BenchServer server, List<List<IngestBatch>> batches)
    {
        var db = await server.NewDatabaseAsync();
        await DatabaseTarget.Parse(db).MigrateAsync(default);
        await using var source = NpgsqlDataSource.Create(db);
        await using (var c = await source.OpenConnectionAsync())
        {
            await using var cmd = new NpgsqlCommand(
                "CREATE TABLE observations_p20261127 PARTITION OF observations FOR VALUES FROM ('2026-11-27 00:00:00+00') TO ('2026-11-28 00:00:00+00')", c);
            await cmd.ExecuteNonQueryAsync();
        }
        var expected = batches.Sum(l => l.Sum(b => b.Records.Count));
        var meter = await CpuMeter.ForServerAsync(db);
        var watch = Stopwatch.StartNew();
        var cpu = await Measure(meter, () => Task.WhenAll(batches.Select(async list =>
        {
            await using var c = await source.OpenConnectionAsync();
            foreach (var batch in list)
            {
                await using var tx = await c.BeginTransactionAsync();
                await using (var importer = await c.BeginBinaryImportAsync(
                    "COPY observations (tenant, machine_id, ts, data_item_id, seq, instance_id, name, category, type, sub_type, value, level, " +
                    "native_code, native_severity, qualifier, condition_id, edge_id, stream_id, record_seq) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (ObservationRecord o in batch.Records)
                    {
                        await importer.StartRowAsync();
                        await importer.WriteAsync("bench", NpgsqlDbType.Text);
                        await importer.WriteAsync(o.MachineId, NpgsqlDbType.Text);
                        await importer.WriteAsync(o.Timestamp, NpgsqlDbType.TimestampTz);
                        await importer.WriteAsync(o.DataItemId, NpgsqlDbType.Text);
                        await importer.WriteAsync(o.Sequence, NpgsqlDbType.Bigint);
                        await Text(importer, o.InstanceId);
                        await Text(importer, o.Name);
                        await Text(importer, o.Category);
                        await Text(importer, o.Type);
                        await Text(importer, o.SubType);
                        await Text(importer, o.Value);
                        for (var i = 0; i < 5; i++)
                        {
                            await importer.WriteNullAsync();
                        }
                        await importer.WriteAsync(batch.EdgeId, NpgsqlDbType.Text);
                        await importer.WriteAsync(batch.StreamId, NpgsqlDbType.Text);
                        await importer.WriteAsync(o.Seq, NpgsqlDbType.Bigint);
                    }
                    await importer.CompleteAsync();
                }
                await tx.CommitAsync();
            }
        })));
        var elapsed = watch.Elapsed.TotalSeconds;
        if (await CountAsync(db) != expected)
        {
            throw new InvalidOperationException("COPY lost rows");
        }
        return (expected / elapsed, cpu);
    }

    private static Task Text(NpgsqlBinaryImporter importer, string? value) =>
        value is null ? importer.WriteNullAsync() : importer.WriteAsync(value, NpgsqlDbType.Text);

    private static async Task<long> CountAsync(string db)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM observations", c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
