using System.Globalization;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// Sustained simulator → edge → cloud throughput with many machines, checked for exactly-once like the other tests.
/// Short in CI; <c>MTC_EDGE_SOAK=1</c> runs 50 machines for 60 s and prints observations/s, CPU and memory per process.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class ThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Many_machines_are_delivered_exactly_once_and_the_rate_is_reported()
    {
        var soak = Environment.GetEnvironmentVariable("MTC_EDGE_SOAK") == "1";
        var machines = soak ? 50 : 10;
        var seconds = soak ? 60 : 8;
        await using var p = new Pipeline();
        // The buffer holds the whole run, so the check can read back everything the simulator served.
        await p.StartSimAsync("--generate", machines.ToString(CultureInfo.InvariantCulture), "--seed", "1", "--speed", "100", "--buffer", "2000000");
        await p.StartCloudAsync();
        await p.StartEdgeAsync(batchMaxRecords: 2000);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count > 0), TimeSpan.FromSeconds(120), p.Logs);

        var cpu0 = new[] { p.Sim!, p.Edge!, p.Cloud! }.Select(c => CpuSeconds(c.Id)).ToArray();
        var stored0 = p.CloudObservations().Count;
        var started = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = (DateTime.UtcNow - started).TotalSeconds;
        var stored1 = p.CloudObservations().Count;
        var cpu1 = new[] { p.Sim!, p.Edge!, p.Cloud! }.Select(c => CpuSeconds(c.Id)).ToArray();
        output.WriteLine($"{machines} machines, {elapsed:0.0} s: cloud stored {(stored1 - stored0) / elapsed:0} observations/s");
        var names = new[] { "sim", "edge", "cloud" };
        var procs = new[] { p.Sim!, p.Edge!, p.Cloud! };
        for (var i = 0; i < 3; i++)
        {
            output.WriteLine($"{names[i]}: CPU {(cpu1[i] - cpu0[i]) / elapsed * 100:0}% of one core, RSS {RssMiB(procs[i].Id):0} MiB");
        }

        // Everything the simulator served from the edge's start to now arrives once.
        var last = await p.SimLastSequenceAsync();
        await p.WaitDeliveredThroughAsync(last, TimeSpan.FromSeconds(180));
        var (instance, expected) = await p.SimSequencesAsync(first, last);
        var cloud = p.CloudObservations();
        Assert.All(cloud.Values, n => Assert.Equal(1, n));
        var actual = cloud.Keys.Where(k => k.Instance == instance && k.Seq >= first && k.Seq <= last).Select(k => k.Seq).ToHashSet();
        Assert.Equal(expected.Count, actual.Count);
        Assert.True(expected.SetEquals(actual));
        Assert.Equal(machines, (await p.EdgeStatusAsync()).GetProperty("machines").GetArrayLength());
    }

    /// <summary>utime + stime of a process, from /proc.</summary>
    internal static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    internal static double RssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
