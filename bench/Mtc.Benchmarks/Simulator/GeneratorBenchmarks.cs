using BenchmarkDotNet.Attributes;
using Mtc.Simulator.Agent;
using Mtc.Simulator.Sources.Generator;

namespace Mtc.Benchmarks.Simulator;

/// <summary>
/// CPU to simulate 100 generated machines: one operation is one simulated hour in 100 ms ticks (what
/// <c>mtc sim --generate 100</c> does in an hour of wall time). CPU share at natural rate = mean / 3600 s.
/// Baseline: the fleet alone; the other adds the agent's work (sequence numbers, ring buffer, current state).
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int Machines = 100;
    private static readonly DateTime Start = new(2026, 3, 2, 6, 0, 0, DateTimeKind.Utc);

    [Benchmark(Baseline = true)]
    public long Fleet_of_100_for_one_hour()
    {
        var fleet = new GeneratedFleet(Machines, 1, Start);
        long count = 0;
        for (var tick = 1; tick <= 36_000; tick++)
        {
            count += fleet.Advance(Start.AddMilliseconds(tick * 100)).Count;
        }

        return count;
    }

    [Benchmark]
    public long Fleet_of_100_into_the_agent_for_one_hour()
    {
        var fleet = new GeneratedFleet(Machines, 1, Start);
        var agent = new SimAgent(new DeviceCatalog(fleet.Devices), new SchemaVersion(2, 5), 131072, TimeProvider.System);
        for (var tick = 1; tick <= 36_000; tick++)
        {
            var values = fleet.Advance(Start.AddMilliseconds(tick * 100));
            if (values.Count > 0)
            {
                agent.Buffer.AddRange(values.Select(v => v.Value).ToArray());
            }
        }

        return agent.Buffer.State.NextSequence;
    }
}
