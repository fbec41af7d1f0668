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

    /// <summary>How many of <paramref name="from"/>..<paramref name="to"/> were not seen, and the first and last of them.</summary>
    public (long Count, long First, long Last) Missing(long from, long to)
    {
        long count = 0, first = 0, last = 0;
        if (to - from >= Capacity)
        {
            // More than the window holds: all of it, less what the window does hold.
            return (to - from + 1 - _set.Count(s => s >= from && s <= to), from, to);
        }
        for (var s = from; s <= to; s++)
        {
            if (!_set.Contains(s))
            {
                first = count == 0 ? s : first;
                last = s;
                count++;
            }
        }
        return (count, first, last);
    }
}
