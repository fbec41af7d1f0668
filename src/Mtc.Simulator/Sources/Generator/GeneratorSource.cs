using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Generator;

/// <summary>Feeds the agent from a generated fleet, advancing it every tick of the source clock.</summary>
internal sealed class GeneratorSource : IDataSource
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private readonly SourceClock _clock;
    private readonly GeneratedFleet _fleet;

    public GeneratorSource(int machines, int seed, SourceClock clock)
    {
        _clock = clock;
        _fleet = new GeneratedFleet(machines, seed, clock.Start);
        Catalog = new DeviceCatalog(_fleet.Devices);
    }

    public DeviceCatalog Catalog { get; }

    public async Task RunAsync(SimAgent agent, CancellationToken cancellationToken)
    {
        foreach (var machine in _fleet.Machines)
        {
            foreach (var tool in machine.Tools())
            {
                agent.PutAsset(tool with { Timestamp = _clock.Start });
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var values = _fleet.Advance(_clock.Now);
            if (values.Count > 0)
            {
                var batch = new SourceValue[values.Count];
                for (var i = 0; i < batch.Length; i++)
                {
                    var value = values[i].Value;
                    batch[i] = value with { Timestamp = _clock.WallTime(values[i].Time - _clock.Start) };
                }

                agent.Buffer.AddRange(batch);
            }

            await Task.Delay(Tick, _clock.Wall, cancellationToken).ConfigureAwait(false);
        }
    }
}
