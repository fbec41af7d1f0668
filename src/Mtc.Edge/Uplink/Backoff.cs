namespace Mtc.Edge.Uplink;

/// <summary>Exponential backoff with jitter: 1 s, 2 s, 4 s … up to a maximum, each scaled by a random 50-100 %.</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int _failures;

    public int Failures => _failures;

    public void Reset() => _failures = 0;

    /// <summary>The wait after one more failure; a server's Retry-After is a floor.</summary>
    public TimeSpan Next(TimeSpan? retryAfter = null)
    {
        var exp = Math.Min(_failures, 20);
        _failures++;
        var ms = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exp));
        var wait = TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble() * 0.5));
        return retryAfter is { } r && r > wait ? (r > max * 5 ? max * 5 : r) : wait;
    }
}
