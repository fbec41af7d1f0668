namespace Mtc.Edge.Collectors.Modbus;

internal enum CounterChange
{
    None,
    Increment,
    Wrap,
    Reset,
}

/// <summary>
/// Parts between two readings of a 32-bit counter. Up or equal: the difference. Down: a wrap when going on from the old
/// value through 2³² to the new one takes at most <see cref="MaxWrapParts"/> parts (the old value was near the top, the
/// new one is near zero), else a reset (power cycle, a cleared counter): the new value is what was counted since the
/// reset. A counter reset while it stood within <see cref="MaxWrapParts"/> of 2³² is therefore taken for a wrap; with
/// counters that count parts, that is billions of parts into a run.
/// </summary>
internal static class CounterDelta
{
    public const long Range = 1L << 32;

    /// <summary>The most parts a wrap may account for: far more than a module counts between two polls, or during an edge restart.</summary>
    public const long MaxWrapParts = 1L << 20;

    public static (long Parts, CounterChange Change) Between(uint previous, uint current)
    {
        if (current >= previous)
        {
            return current == previous ? (0, CounterChange.None) : (current - (long)previous, CounterChange.Increment);
        }
        var wrapped = current + Range - previous;
        return wrapped <= MaxWrapParts ? (wrapped, CounterChange.Wrap) : (current, CounterChange.Reset);
    }
}
