using Mtc.Cloud.Benchmarks;

// Macro benchmarks of the cloud against a real PostgreSQL, each with its baseline measured in the same run.
//   dotnet run -c Release --project bench/Mtc.Cloud.Benchmarks -- [ingest|cycle-time|auth|alerts|fleet|all] [--rows N] [--batch N] [--streams N] [--rounds N] [--cycles N] [--requests N] [--machines N] [--days N]
// The server is a throwaway one (durable settings) unless MTC_BENCH_POSTGRES names one.
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
await using var server = await BenchServer.StartAsync();
if (mode is "ingest" or "all")
{
    await IngestBenchmark.RunAsync(server, Arg("--rows", 400_000), Arg("--batch", 5_000), Arg("--streams", 4), Arg("--rounds", 3));
}
if (mode is "auth" or "all")
{
    await AuthTimingBenchmark.RunAsync(server, Arg("--requests", 2_000));
}
if (mode is "cycle-time" or "all")
{
    await CycleTimeBenchmark.RunAsync(server, Arg("--cycles", 1_000_000), Arg("--requests", 300));
}
if (mode is "alerts" or "all")
{
    await AlertsBenchmark.RunAsync(server, Arg("--machines", 2_000), Arg("--rounds", 20));
}
if (mode is "fleet" or "all")
{
    await FleetBenchmark.RunAsync(server, Arg("--machines", 200), Arg("--days", 30), Arg("--requests", 50));
}
