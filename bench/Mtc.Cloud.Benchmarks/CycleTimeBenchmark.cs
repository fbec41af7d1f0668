using System.Diagnostics;
using System.Globalization;
using Mtc.Cloud.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Mtc.Cloud.Benchmarks;

/// <summary>
/// <c>GET /machines/{id}/cycle-time</c> latency (p50, p99) with a million cycles stored (10 machines), for a
/// one-day window and for a machine's whole history, against the same page query run directly in PostgreSQL.
/// </summary>
internal static class CycleTimeBenchmark
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int Machines = 10;

    public static async Task RunAsync(BenchServer server, int cycles, int requests)
    {
        var db = await server.NewDatabaseAsync();
        await DatabaseTarget.Parse(db).MigrateAsync(default);
        var perMachine = cycles / Machines;
        var load = Stopwatch.StartNew();
        await LoadAsync(db, perMachine);
        Console.WriteLine($"cycle-time: {perMachine * Machines:N0} cycles stored ({perMachine:N0} per machine, every 3 min) in {load.Elapsed.TotalSeconds:F1} s");
        var days = (int)(perMachine * 3.0 / 60 / 24);
        await using var host = await CloudHost.StartAsync(db);
        var random = new Random(1);
        string Day() => T0.AddDays(random.Next(0, days - 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await Measure.RunAsync("warm-up", 30, () => Get(host, $"/api/ext/machines/m1/cycle-time?from={Day()}T00:00:00Z&to={Day()}T23:59:59Z&limit=100"), print: false);
        await Measure.RunAsync("HTTP one-day window, limit 100 + summary", requests, () =>
        {
            var d = Day();
            return Get(host, $"/api/ext/machines/m{random.Next(Machines)}/cycle-time?from={d}T00:00:00Z&to={d}T23:59:59Z&limit=100");
        });
        await using var source = NpgsqlDataSource.Create(db);
        await Measure.RunAsync("SQL  one-day window page (baseline)", requests, async () =>
        {
            var d = DateTimeOffset.Parse(Day() + "T00:00:00Z", CultureInfo.InvariantCulture);
            await using var cmd = source.CreateCommand(
                "SELECT id, start_ts, end_ts, duration_s, program, parts FROM cycles WHERE tenant = 'bench' AND machine_id = $1 " +
                "AND start_ts >= $2 AND start_ts < $3 ORDER BY start_ts, id LIMIT 101");
            cmd.Parameters.Add(new NpgsqlParameter { Value = "m" + random.Next(Machines) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = d });
            cmd.Parameters.Add(new NpgsqlParameter { Value = d.AddDays(1) });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        });
        await Measure.RunAsync($"HTTP whole history ({perMachine:N0} cycles summarised), limit 100", Math.Max(20, requests / 5),
            () => Get(host, $"/api/ext/machines/m{random.Next(Machines)}/cycle-time?limit=100"));
    }

    private static async Task Get(CloudHost host, string url)
    {
        using var response = await host.Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !body.Contains("\"summary\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {body}");
        }
    }

    private static async Task LoadAsync(string db, int perMachine)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using (var machines = new NpgsqlCommand(
            "INSERT INTO machines (tenant, id, edge_id, registered) SELECT 'bench', 'm' || g, 'edge', 1 FROM generate_series(0, 9) g", c))
        {
            await machines.ExecuteNonQueryAsync();
        }
        var random = new Random(7);
        await using (var importer = await c.BeginBinaryImportAsync(
            "COPY cycles (tenant, machine_id, event_id, start_ts, end_ts, duration_s, active_s, interrupted_s, program, parts, completion) FROM STDIN (FORMAT BINARY)"))
        {
            for (var m = 0; m < Machines; m++)
            {
                for (var i = 0; i < perMachine; i++)
                {
                    var start = T0.AddMinutes(3 * i);
                    var duration = 60 + (random.NextDouble() * 110);
                    await importer.StartRowAsync();
                    await importer.WriteAsync("bench", NpgsqlDbType.Text);
                    await importer.WriteAsync("m" + m, NpgsqlDbType.Text);
                    await importer.WriteAsync($"c{m}-{i}", NpgsqlDbType.Text);
                    await importer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(start.AddSeconds(duration), NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(duration, NpgsqlDbType.Double);
                    await importer.WriteAsync(duration * 0.95, NpgsqlDbType.Double);
                    await importer.WriteAsync(duration * 0.05, NpgsqlDbType.Double);
                    await importer.WriteAsync("O" + (1000 + (i % 7)), NpgsqlDbType.Text);
                    await importer.WriteAsync(1L, NpgsqlDbType.Bigint);
                    await importer.WriteAsync("COMPLETE", NpgsqlDbType.Text);
                }
            }
            await importer.CompleteAsync();
        }
        await using var analyze = new NpgsqlCommand("ANALYZE cycles", c);
        await analyze.ExecuteNonQueryAsync();
    }
}
