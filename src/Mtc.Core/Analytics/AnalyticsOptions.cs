namespace Mtc.Core.Analytics;

/// <summary>Tunable rules of the machine analytics. The defaults suit CNC machines on a live agent or adapter.</summary>
public sealed record AnalyticsOptions
{
    public static AnalyticsOptions Default { get; } = new();

    /// <summary>Counter-only machines: IDLE after this long without a part-count increment.</summary>
    public TimeSpan CounterIdleAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// While the input is still in its opening snapshot (last-known values, until the clock first moves forward by
    /// this much or less from a live value onto another live one), a forward jump larger than this is not counted as
    /// time: those values are state stamped when they last changed, possibly weeks before the stream itself.
    /// UNAVAILABLE values never end the snapshot.
    /// </summary>
    public TimeSpan OpeningGap { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A timestamp up to this far behind the clock is jitter: the clock holds. A larger step back is a new
    /// recording or a restarted source: the clock re-anchors there and an open cycle is suspended.
    /// </summary>
    public TimeSpan BackwardJumpTolerance { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A step back of at most this much made only of UNAVAILABLE observations holds the clock like jitter: agents stamp
    /// the UNAVAILABLE values of an adapter disconnect with their own clock, which may run minutes behind the machine's.
    /// </summary>
    public TimeSpan UnavailableSkewTolerance { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A cycle whose program or mode arrives this soon after execution became ACTIVE starts at the ACTIVE (adapters send
    /// them in either order); later, it starts where the program or mode arrived.
    /// </summary>
    public TimeSpan CycleStartWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A part-count increment this soon after a cycle ended belongs to that cycle (controls count after completion).</summary>
    public TimeSpan PartAttributionWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many recent cycles the rolling average covers.</summary>
    public int RecentCycles { get; init; } = 10;

    /// <summary>Derive setups from a program change in MANUAL, MANUAL_DATA_INPUT or EDIT mode (until the next completed cycle).</summary>
    public bool DeriveSetups { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for values the rules cannot work with.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CounterIdleAfter, TimeSpan.Zero, nameof(CounterIdleAfter));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OpeningGap, TimeSpan.Zero, nameof(OpeningGap));
        ArgumentOutOfRangeException.ThrowIfLessThan(BackwardJumpTolerance, TimeSpan.Zero, nameof(BackwardJumpTolerance));
        ArgumentOutOfRangeException.ThrowIfLessThan(UnavailableSkewTolerance, TimeSpan.Zero, nameof(UnavailableSkewTolerance));
        ArgumentOutOfRangeException.ThrowIfLessThan(CycleStartWindow, TimeSpan.Zero, nameof(CycleStartWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(PartAttributionWindow, TimeSpan.Zero, nameof(PartAttributionWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(RecentCycles, 1, nameof(RecentCycles));
    }
}
