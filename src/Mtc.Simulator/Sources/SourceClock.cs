namespace Mtc.Simulator.Sources;

/// <summary>
/// Source time running <c>speed</c> times faster than the wall clock, from the same start. Observations are
/// stamped with the wall time at which they are due, so at speed 1 source time and timestamps coincide.
/// </summary>
internal sealed class SourceClock
{
    private readonly TimeProvider _wall;
    private readonly long _started;

    public SourceClock(TimeProvider wall, double speed)
    {
        _wall = wall;
        Speed = speed;
        Start = wall.GetUtcNow().UtcDateTime;
        _started = wall.GetTimestamp();
    }

    public DateTime Start { get; }
    public double Speed { get; }
    public TimeProvider Wall => _wall;

    /// <summary>How far the sources have got.</summary>
    public TimeSpan Elapsed => _wall.GetElapsedTime(_started) * Speed;

    public DateTime Now => Start + Elapsed;

    /// <summary>The wall time at which something that happens <paramref name="offset"/> into the run is due.</summary>
    public DateTime WallTime(TimeSpan offset) => Start + (offset / Speed);
}
