using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Generator;

/// <summary>
/// N generated machines. Their reports are merged in (time, machine, order) order, so the observation
/// sequence does not depend on how often the fleet is advanced: the same seed gives the same data.
/// </summary>
internal sealed class GeneratedFleet
{
    private readonly List<GeneratedValue> _scratch = [];

    public GeneratedFleet(int count, int seed, DateTime start)
    {
        Machines = [.. Enumerable.Range(0, count).Select(i => new GeneratedMachine(i, seed, start))];
    }

    public IReadOnlyList<GeneratedMachine> Machines { get; }

    public IEnumerable<DeviceModel> Devices => Machines.Select(m => m.Device);

    /// <summary>Everything the fleet reported up to <paramref name="until"/> (simulated time), in a deterministic order.</summary>
    public List<GeneratedValue> Advance(DateTime until)
    {
        _scratch.Clear();
        foreach (var machine in Machines)
        {
            machine.Advance(until, _scratch);
        }

        _scratch.Sort(static (a, b) =>
        {
            var byTime = a.Time.CompareTo(b.Time);
            if (byTime != 0)
            {
                return byTime;
            }

            var byMachine = a.Machine.CompareTo(b.Machine);
            return byMachine != 0 ? byMachine : a.Order.CompareTo(b.Order);
        });
        return [.. _scratch];
    }
}
