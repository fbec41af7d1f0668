namespace Mtc.Cloud.Summary;

/// <summary>
/// Items sorted by start with the running maximum of their ends, so that the ones that may touch a bucket are found by two
/// binary searches instead of a scan per bucket (2,208 hourly buckets over 92 days).
/// </summary>
internal sealed class TimeIndex<T>
{
    private readonly List<T> _sorted;
    private readonly DateTimeOffset[] _starts;
    private readonly DateTimeOffset[] _maxEnds;

    public TimeIndex(IEnumerable<T> items, Func<T, DateTimeOffset> start, Func<T, DateTimeOffset> end)
    {
        _sorted = items.OrderBy(start).ToList();
        _starts = _sorted.Select(start).ToArray();
        _maxEnds = new DateTimeOffset[_sorted.Count];
        for (var i = 0; i < _sorted.Count; i++)
        {
            var e = end(_sorted[i]);
            _maxEnds[i] = i > 0 && _maxEnds[i - 1] > e ? _maxEnds[i - 1] : e;
        }
    }

    /// <summary>
    /// Every item that starts before <paramref name="to"/> and ends at or after <paramref name="from"/>, and maybe a few more
    /// (the caller clips exactly); never one fewer.
    /// </summary>
    public List<T> Touching(DateTimeOffset from, DateTimeOffset to)
    {
        var lo = FirstIndex(_maxEnds, from);
        var hi = FirstIndex(_starts, to);
        return hi > lo ? _sorted.GetRange(lo, hi - lo) : [];
    }

    /// <summary>The first index whose value is at or after <paramref name="at"/> (values ascending).</summary>
    private static int FirstIndex(DateTimeOffset[] values, DateTimeOffset at)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (values[mid] < at)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
