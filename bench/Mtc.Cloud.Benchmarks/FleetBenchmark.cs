using System.Diagnostics;
using System.Globalization;
using Mtc.Cloud.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Mtc.Cloud.Benchmarks;

/// <summary>
/// What the fleet page asks the cloud for, with <c>--machines</c> machines (200 unless given) and <c>--days</c> days (30) of
/// cycles, status intervals and parts stored: p50/p99 of <c>GET /api/ext/machines</c> (its 3 s poll), <c>GET /api/ext/plant</c>
/// and <c>GET /api/ext/fleet/summary?byMachine=true</c> over today and over one past day (its 30 s poll; the first of each apart,
/// as it computes and stores the range's quarters), against the same
/// numbers (seconds per status clipped to the day, parts, cycle count, mean and median) computed by bare SQL in the same run.
/// </summary>
internal static class FleetBenchmark
{
    private static readonly TimeSpan Cycle = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Active = TimeSpan.FromMinutes(8);

    public static async Task RunAsync(BenchServer server, int machines, int days, int requests)
    {
        var db = await server.NewDatabaseAsync();
        await DatabaseTarget.Parse(db).MigrateAsync(default);
        var now = DateTimeOffset.UtcNow;
        var t0 = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-days);
        var load = Stopwatch.StartNew();
        var (events, cycles) = await LoadAsync(db, machines, t0, now);
        Console.WriteLine($"fleet: {machines:N0} machines, {days} days: {cycles:N0} cycles and {events:N0} events stored in {load.Elapsed.TotalSeconds:F1} s");

        await using var host = await CloudHost.StartAsync(db);
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var past = today.AddDays(-days / 2);
        string Range(DateTimeOffset from) =>
            $"from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(from.AddDays(1).ToString("O", CultureInfo.InvariantCulture))}";

        // The first summary of a range computes its quarters from the rows and stores them; the later ones read them.
        await Measure.RunAsync("HTTP fleet summary byMachine, today, the first (stores its quarters)", 1,
            () => Get(host, $"/api/ext/fleet/summary?byMachine=true&{Range(today)}", "\"machines\""));
        await Measure.RunAsync("warm-up", 4, () => Get(host, $"/api/ext/fleet/summary?byMachine=true&{Range(today)}", "\"machines\""), print: false);
        await Measure.RunAsync($"HTTP GET /api/ext/machines?limit={machines}", requests, () => Get(host, $"/api/ext/machines?limit={machines}", "\"items\""));
        await Measure.RunAsync("HTTP GET /api/ext/plant", requests, () => Get(host, "/api/ext/plant", "\"today\""));
        var http = await Measure.RunAsync("HTTP fleet summary byMachine, today", requests,
            () => Get(host, $"/api/ext/fleet/summary?byMachine=true&{Range(today)}", "\"machines\""));
        await Measure.RunAsync("HTTP fleet summary byMachine, a past day, the first (stores its quarters)", 1,
            () => Get(host, $"/api/ext/fleet/summary?byMachine=true&{Range(past)}", "\"machines\""));
        await Measure.RunAsync("HTTP fleet summary byMachine, a past day", requests,
            () => Get(host, $"/api/ext/fleet/summary?byMachine=true&{Range(past)}", "\"machines\""));

        await using var source = NpgsqlDataSource.Create(db);
        var sql = await Measure.RunAsync("SQL  the same numbers, today (baseline)", requests, () => BareSqlAsync(source, today, today.AddDays(1)));
        Console.WriteLine($"  ratio fleet summary / bare SQL (p50): {http.P50 / sql.P50:F1}");
    }

    /// <summary>Seconds per status clipped to the range, parts, cycle count, mean and median per machine: three grouped queries.</summary>
    private static async Task BareSqlAsync(NpgsqlDataSource source, DateTimeOffset from, DateTimeOffset to)
    {
        string[] queries =
        [
            "SELECT machine_id, data::json->>'status', sum(extract(epoch FROM least(coalesce(end_ts, $2), $2) - greatest(start_ts, $1))) " +
                "FROM events WHERE tenant = 'bench' AND type = 'status' AND start_ts < $2 AND coalesce(end_ts, $2) > $1 GROUP BY 1, 2",
            "SELECT machine_id, sum((data::json->>'count')::bigint) FROM events WHERE tenant = 'bench' AND type = 'part' " +
                "AND start_ts >= $1 AND start_ts < $2 GROUP BY 1",
            "SELECT machine_id, count(*), avg(duration_s), percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_s) FROM cycles " +
                "WHERE tenant = 'bench' AND start_ts >= $1 AND start_ts < $2 GROUP BY 1",
        ];
        foreach (var text in queries)
        {
            await using var cmd = source.CreateCommand(text);
            cmd.Parameters.Add(new NpgsqlParameter { Value = from });
            cmd.Parameters.Add(new NpgsqlParameter { Value = to });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        }
    }

    private static async Task Get(CloudHost host, string url, string expect)
    {
        using var response = await host.Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !body.Contains(expect, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {body[..Math.Min(500, body.Length)]}");
        }
    }

    /// <summary>
    /// Per machine from <paramref name="t0"/> to <paramref name="now"/>: a cycle every 10 minutes (ACTIVE 8 min, then IDLE 2 min,
    /// durations varying a little per machine), a part per cycle, the last status still open; one current value per machine.
    /// Loaded by binary COPY, as an edge's ingest would have stored them.
    /// </summary>
    private static async Task<(long Events, long Cycles)> LoadAsync(string db, int machines, DateTimeOffset t0, DateTimeOffset now)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        // Loaded as stored history: the summary quarters' triggers (which remove stored quarters a change touches) have
        // nothing to remove yet, so they are off for the load.
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", c))
        {
            await replica.ExecuteNonQueryAsync();
        }
        foreach (var text in new[]
        {
            "INSERT INTO machines (tenant, id, edge_id, registered, last_seen) SELECT 'bench', 'm' || g, 'edge', 1, $2 FROM generate_series(0, $1 - 1) g",
            "INSERT INTO current_values (tenant, machine_id, data_item_id, name, category, type, value, ts, seq) " +
                "SELECT 'bench', 'm' || g, 'exec', 'execution', 'EVENT', 'EXECUTION', 'ACTIVE', $2, g FROM generate_series(0, $1 - 1) g",
        })
        {
            await using var rows = new NpgsqlCommand(text, c);
            rows.Parameters.Add(new NpgsqlParameter { Value = machines });
            rows.Parameters.Add(new NpgsqlParameter { Value = now });
            await rows.ExecuteNonQueryAsync();
        }
        long cursor = 0, cycles = 0;
        var random = new Random(11);
        await using (var importer = await c.BeginBinaryImportAsync(
            "COPY events (tenant, cursor, id, source, type, machine_id, edge_id, start_ts, end_ts, data) FROM STDIN (FORMAT BINARY)"))
        {
            for (var m = 0; m < machines; m++)
            {
                var id = "m" + m;
                for (var (start, i) = (t0, 0); start < now; start += Cycle, i++)
                {
                    var active = start + Active + TimeSpan.FromSeconds(random.Next(-30, 30));
                    await Event(importer, ++cursor, $"{id}:{i}:a", "status", id, start, active, "{\"status\":\"ACTIVE\"}");
                    var last = start + Cycle >= now;
                    await Event(importer, ++cursor, $"{id}:{i}:i", "status", id, active, last ? null : start + Cycle, "{\"status\":\"IDLE\"}");
                    await Event(importer, ++cursor, $"{id}:{i}:p", "part", id, active, active, $"{{\"count\":1,\"counter\":{i},\"reset\":false}}");
                }
            }
            await importer.CompleteAsync();
        }
        await using (var importer = await c.BeginBinaryImportAsync(
            "COPY cycles (tenant, machine_id, event_id, start_ts, end_ts, duration_s, active_s, interrupted_s, program, parts, completion) FROM STDIN (FORMAT BINARY)"))
        {
            for (var m = 0; m < machines; m++)
            {
                for (var (start, i) = (t0, 0); start + Active < now; start += Cycle, i++)
                {
                    var duration = Active.TotalSeconds + random.Next(-30, 30);
                    await importer.StartRowAsync();
                    await importer.WriteAsync("bench", NpgsqlDbType.Text);
                    await importer.WriteAsync("m" + m, NpgsqlDbType.Text);
                    await importer.WriteAsync($"m{m}:{i}:cycle", NpgsqlDbType.Text);
                    await importer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(start.AddSeconds(duration), NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(duration, NpgsqlDbType.Double);
                    await importer.WriteAsync(duration, NpgsqlDbType.Double);
                    await importer.WriteAsync(0.0, NpgsqlDbType.Double);
                    await importer.WriteAsync("O" + (1000 + (m % 7)), NpgsqlDbType.Text);
                    await importer.WriteAsync(1L, NpgsqlDbType.Bigint);
                    await importer.WriteAsync("completed", NpgsqlDbType.Text);
                    cycles++;
                }
            }
            await importer.CompleteAsync();
        }
        await using (var counters = new NpgsqlCommand($"INSERT INTO tenant_counters (tenant, event_seq) VALUES ('bench', {cursor}); ANALYZE events; ANALYZE cycles", c))
        {
            await counters.ExecuteNonQueryAsync();
        }
        return (cursor, cycles);
    }

    private static async Task Event(NpgsqlBinaryImporter importer, long cursor, string id, string type, string machine,
        DateTimeOffset start, DateTimeOffset? end, string data)
    {
        await importer.StartRowAsync();
        await importer.WriteAsync("bench", NpgsqlDbType.Text);
        await importer.WriteAsync(cursor, NpgsqlDbType.Bigint);
        await importer.WriteAsync(id, NpgsqlDbType.Text);
        await importer.WriteAsync("edge", NpgsqlDbType.Text);
        await importer.WriteAsync(type, NpgsqlDbType.Text);
        await importer.WriteAsync(machine, NpgsqlDbType.Text);
        await importer.WriteAsync("edge", NpgsqlDbType.Text);
        await importer.WriteAsync(start, NpgsqlDbType.TimestampTz);
        if (end is { } e)
        {
            await importer.WriteAsync(e, NpgsqlDbType.TimestampTz);
        }
        else
        {
            await importer.WriteNullAsync();
        }
        await importer.WriteAsync(data, NpgsqlDbType.Text);
    }
}
