using System.Diagnostics;

namespace Mtc.Cloud.Benchmarks;

/// <summary>Latency of a call made one after another: p50 and p99 in milliseconds, printed with a name.</summary>
internal static class Measure
{
    public readonly record struct Latency(double P50, double P99);

    public static async Task<Latency> RunAsync(string name, int count, Func<Task> call, bool print = true)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var latency = new Latency(times[count / 2], times[Math.Min(count - 1, (int)(count * 0.99))]);
        if (print)
        {
            Console.WriteLine($"  {name}: p50 {latency.P50:F1} ms, p99 {latency.P99:F1} ms ({count} requests)");
        }
        return latency;
    }
}
