namespace Mtc.Edge.Collectors.Mqtt;

/// <summary>
/// The most recent sequences of one agent instance seen on any of its device topics. cppagent numbers the observations of
/// all its devices (the Agent device included) in one sequence, and each device's Sample topic carries only that device's:
/// a device's next document starting past its cursor is a loss only for the sequences no device topic delivered.
/// </summary>
internal sealed class SeenSequences
{
    private const int Capacity = 1 << 16;
    private readonly HashSet<long> _set = [];
    private readonly Queue<long> _order = new();

    public void Add(long sequence)
    {
        if (!_set.Add(sequence))
        {
            return;
        }
        _order.Enqueue(sequence);
        if (_order.Count > Capacity)
        {
            _set.Remove(_order.Dequeue());
        }
    }

    /// <summary>How many of <paramref name="from"/>..<paramref name="to"/> were not seen.</summary>
    public long Missing(long from, long to)
    {
        if (to - from >= Capacity)
        {
            // More than the window holds: count what it does hold.
            return to - from + 1 - _set.Count(s => s >= from && s <= to);
        }
        long missing = 0;
        for (var s = from; s <= to; s++)
        {
            if (!_set.Contains(s))
            {
                missing++;
            }
        }
        return missing;
    }
}
