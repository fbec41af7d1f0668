using Mtc.Core.Model;

namespace Mtc.Edge.Collectors;

/// <summary>
/// What one sample answer means for an agent's cursor, whatever the agent's reading of the header:
/// <list type="bullet">
/// <item>Observations below the cursor, and a sequence seen twice in the document, are already stored: never again.</item>
/// <item>When observations came back, the cursor follows the last of them + 1. The header's <c>nextSequence</c> is not
/// trusted for that: MTConnect.NET sets it to its buffer's last + 1 whatever the page held, cppagent's runs ahead with
/// <c>path</c> filters, a buggy agent's goes back. Following the last returned observation never skips one the agent
/// still holds, and never goes back.</item>
/// <item>An empty page is followed from <c>nextSequence</c> (nothing in between matched), never back, never past the
/// header's own <c>lastSequence</c> + 1.</item>
/// <item>A <c>firstSequence</c> above the cursor means the agent's buffer moved past it: exactly the sequences from the
/// cursor to the first one served (or to <c>firstSequence</c> − 1) are lost. A <c>firstSequence</c> the document itself
/// contradicts (above its <c>nextSequence</c>, above an observation it returned) is not believed beyond what it shows.</item>
/// </list>
/// </summary>
/// <param name="Returned">Observations at or above the cursor (the page's size, for "came back full").</param>
/// <param name="Ignored">Observations below the cursor: already stored.</param>
/// <param name="SkippedAhead">The first observation returned lies beyond the cursor (and beyond any loss) although the agent
/// says it still holds the cursor: sequences it holds were not returned. A stream that does that is caught up by polling.</param>
internal readonly record struct SamplePage(long Next, long? LostFrom, long? LostTo, int Returned, int Ignored, bool SkippedAhead)
{
    public long Lost => LostFrom is { } from && LostTo is { } to ? to - from + 1 : 0;

    /// <summary>Plans the cursor for <paramref name="doc"/>, asked for from <paramref name="expected"/>.</summary>
    public static SamplePage Plan(long expected, StreamsDocument doc)
    {
        long min = long.MaxValue, max = long.MinValue;
        var returned = 0;
        var ignored = 0;
        foreach (var stream in doc.Streams)
        {
            foreach (var o in stream.Observations)
            {
                if (o.Sequence < expected)
                {
                    ignored++;
                    continue;
                }
                returned++;
                min = Math.Min(min, o.Sequence);
                max = Math.Max(max, o.Sequence);
            }
        }

        var header = doc.Header;
        long? lostFrom = null, lostTo = null;
        var first = header.FirstSequence;
        if (first is { } f && f > expected && (header.NextSequence is not { } n || f <= n || returned > 0))
        {
            var end = Math.Min(f, returned > 0 ? min : f) - 1;
            if (end >= expected)
            {
                lostFrom = expected;
                lostTo = end;
            }
        }

        long next;
        if (returned > 0)
        {
            next = max + 1;
        }
        else
        {
            next = Math.Max(expected, lostTo is { } t ? t + 1 : expected);
            if (header.NextSequence is { } said && said > next)
            {
                next = header.LastSequence is { } last && last >= 0 && said > last + 1 ? Math.Max(next, last + 1) : said;
            }
        }
        var start = lostTo is { } lt ? lt + 1 : expected;
        var skipped = returned > 0 && min > start && (first is not { } held || held <= start);
        return new SamplePage(next, lostFrom, lostTo, returned, ignored, skipped);
    }
}
