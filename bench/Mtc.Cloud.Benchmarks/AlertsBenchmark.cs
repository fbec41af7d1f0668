using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Mtc.Cloud.Alerts;
using Mtc.Cloud.Storage;
using Mtc.Core.Wire;
using Npgsql;

namespace Mtc.Cloud.Benchmarks;

/// <summary>
/// One evaluation of every alert rule for a tenant with many machines (status, 20 cycles, parts and an open alarm each),
/// against the baseline of reading every one of the tenant's event rows once (what any per-machine evaluation would at
/// least read), in PostgreSQL, in the same run.
/// </summary>
internal static class AlertsBenchmark
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(BenchServer server, int machines, int rounds)
    {
        var db = await server.NewDatabaseAsync();
        var target = DatabaseTarget.Parse(db);
        await using var store = target.Open();
        await store.MigrateAsync(default);
        var load = Stopwatch.StartNew();
        var seq = 0L;
        for (var first = 0; first < machines; first += 40)
        {
            var records = new List<WireRecord>();
            for (var m = first; m < Math.Min(machines, first + 40); m++)
            {
                var id = "m" + m;
                for (var c = 0; c < 20; c++)
                {
                    var start = T0.AddMinutes(c * 3);
                    records.Add(Derived(++seq, id, $"{id}:c{c}", DerivedEventTypes.Cycle, start, start.AddSeconds(100 + (m % 50) + c),
                        new { durationSeconds = 100 + (m % 50) + c, activeSeconds = 100, interruptedSeconds = 0, program = "O1", parts = 1, completion = "COMPLETED" }));
                    records.Add(Derived(++seq, id, $"{id}:p{c}", DerivedEventTypes.Part, start, start, new { count = 1, counter = c, reset = false }));
                }
                var status = (m % 4) switch { 0 => "IDLE", 1 => "ACTIVE", 2 => "OFFLINE", _ => "ALARM" };
                records.Add(Derived(++seq, id, $"{id}:s", DerivedEventTypes.Status, T0.AddHours(1), null, new { status, seconds = 0 }));
                records.Add(Derived(++seq, id, $"{id}:a", DerivedEventTypes.Alarm, T0.AddHours(1), m % 4 == 3 ? null : T0.AddHours(1.1),
                    new { nativeCode = "1010", level = "FAULT", message = "Spindle overload", dataItemId = "sys" }));
            }
            await store.IngestAsync("bench", new IngestBatch("edge-" + (first / 200), "s", records[0].Seq, records[^1].Seq, records), T0.AddHours(1), default);
        }
        Console.WriteLine($"alerts: {machines:N0} machines, {seq:N0} events stored in {load.Elapsed.TotalSeconds:F1} s");

        var evaluator = new AlertEvaluator(store, NullLogger<AlertEvaluator>.Instance);
        var first_ = await evaluator.EvaluateTenantAsync("bench", T0.AddHours(2), default);
        Console.WriteLine($"  first evaluation opened {first_.Opened:N0} alerts");
        await using var source = NpgsqlDataSource.Create(db);
        var evaluate = await MeasureAsync(rounds, () => evaluator.EvaluateTenantAsync("bench", T0.AddHours(2), default));
        var scan = await MeasureAsync(rounds, async () =>
        {
            await using var cmd = source.CreateCommand("SELECT cursor, id, type, machine_id, start_ts, end_ts, data FROM events WHERE tenant = 'bench'");
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        });
        Console.WriteLine($"  evaluate every rule (no changes): p50 {evaluate:F1} ms; read every event row once (baseline): p50 {scan:F1} ms; " +
            $"ratio {evaluate / scan:F2} ({rounds} rounds)");
    }

    private static DerivedEventRecord Derived(long seq, string machine, string id, string type, DateTimeOffset start, DateTimeOffset? end, object data) => new()
    {
        Seq = seq,
        MachineId = machine,
        Event = new DerivedEvent(id, type, start, end, JsonSerializer.SerializeToElement(data)),
    };

    private static async Task<double> MeasureAsync(int rounds, Func<Task> call)
    {
        await call();
        var times = new List<double>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[rounds / 2];
    }
}
