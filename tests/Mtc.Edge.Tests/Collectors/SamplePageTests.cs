using System.Globalization;
using System.Text;
using Mtc.Core;
using Mtc.Core.Model;
using Mtc.Edge.Collectors;

namespace Mtc.Edge.Tests.Collectors;

/// <summary>
/// The cursor rule on sample answers shaped as real agents write them: the cursor follows the last returned observation,
/// whatever the header's nextSequence says, never goes back, and counts exactly what the agent's buffer dropped.
/// </summary>
public sealed class SamplePageTests
{
    [Fact]
    public void MTConnect_NET_nextSequence_at_its_buffer_end_is_not_followed_past_a_full_page()
    {
        // Observed: sample?from=10711&count=1000 answered 10711..11710 with nextSequence="12711" (its buffer's last + 1).
        var page = SamplePage.Plan(10711, Sample(first: 1, next: 12711, last: 12710, Range(10711, 11710)));
        Assert.Equal(11711, page.Next);
        Assert.Equal(1000, page.Returned);
        Assert.Null(page.LostFrom);
        Assert.False(page.SkippedAhead);
    }

    [Fact]
    public void A_short_cppagent_page_is_followed_from_its_last_observation()
    {
        var page = SamplePage.Plan(500, Sample(first: 1, next: 541, last: 540, Range(500, 540)));
        Assert.Equal(541, page.Next);
    }

    [Fact]
    public void An_empty_page_with_path_filters_is_followed_from_nextSequence_but_never_past_lastSequence()
    {
        Assert.Equal(900, SamplePage.Plan(700, Sample(first: 1, next: 900, last: 899, [])).Next);
        // A nextSequence the header's own lastSequence contradicts is not believed beyond it.
        Assert.Equal(900, SamplePage.Plan(700, Sample(first: 1, next: 5_000_000, last: 899, [])).Next);
    }

    [Fact]
    public void A_nextSequence_that_goes_back_or_is_negative_never_moves_the_cursor_back()
    {
        Assert.Equal(1201, SamplePage.Plan(1000, Sample(first: 1, next: 10, last: 9, Range(1000, 1200))).Next);
        Assert.Equal(1000, SamplePage.Plan(1000, Sample(first: 1, next: -5, last: -6, [])).Next);
        Assert.Equal(1000, SamplePage.Plan(1000, Sample(first: 1, next: 400, last: 399, [])).Next);
    }

    [Fact]
    public void Observations_below_the_cursor_answered_again_are_ignored_not_stored_twice()
    {
        var page = SamplePage.Plan(1000, Sample(first: 1, next: 1101, last: 1100, [.. Range(950, 999), .. Range(1000, 1100)]));
        Assert.Equal(50, page.Ignored);
        Assert.Equal(101, page.Returned);
        Assert.Equal(1101, page.Next);
    }

    [Fact]
    public void Falling_behind_the_buffer_is_a_loss_of_exactly_the_dropped_sequences()
    {
        var page = SamplePage.Plan(100, Sample(first: 250, next: 400, last: 399, Range(250, 399)));
        Assert.Equal((100L, 249L, 150L), (page.LostFrom!.Value, page.LostTo!.Value, page.Lost));
        Assert.Equal(400, page.Next);
        Assert.False(page.SkippedAhead);
    }

    [Fact]
    public void A_firstSequence_the_document_contradicts_counts_no_more_loss_than_the_document_shows()
    {
        // firstSequence says 10^12 but the page starts at 120: only 100..119 can be lost.
        var page = SamplePage.Plan(100, Sample(first: 1_000_000_000_000, next: 131, last: 130, Range(120, 130)));
        Assert.Equal(20, page.Lost);
        // An empty page whose firstSequence is above its own nextSequence: nothing believed.
        var empty = SamplePage.Plan(100, Sample(first: 1_000_000, next: 100, last: 99, []));
        Assert.Null(empty.LostFrom);
        Assert.Equal(100, empty.Next);
    }

    [Fact]
    public void A_stream_part_that_jumps_past_sequences_the_agent_still_holds_is_caught_up()
    {
        // The agent says it holds 1.. but its part starts at 3000 while the cursor is at 2000.
        var page = SamplePage.Plan(2000, Sample(first: 1, next: 3101, last: 3100, Range(3000, 3100)));
        Assert.True(page.SkippedAhead);
        Assert.Null(page.LostFrom);
    }

    private static IEnumerable<long> Range(long from, long to)
    {
        for (var s = from; s <= to; s++)
        {
            yield return s;
        }
    }

    /// <summary>A 1.3 sample document with the given header and one Execution observation per sequence.</summary>
    private static StreamsDocument Sample(long first, long next, long last, IEnumerable<long> sequences)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"""<?xml version="1.0" encoding="UTF-8"?><MTConnectStreams xmlns="urn:mtconnect.org:MTConnectStreams:1.3"><Header creationTime="2026-01-01T00:00:00Z" sender="a" instanceId="7" version="1.3.0" bufferSize="131072" firstSequence="{first}" lastSequence="{last}" nextSequence="{next}"/><Streams><DeviceStream name="M1" uuid="m1"><ComponentStream component="Controller" name="c" componentId="c1"><Events>""");
        foreach (var s in sequences)
        {
            sb.Append(CultureInfo.InvariantCulture, $"""<Execution dataItemId="x" sequence="{s}" timestamp="2026-01-01T00:00:00Z">ACTIVE</Execution>""");
        }
        sb.Append("</Events></ComponentStream></DeviceStream></Streams></MTConnectStreams>");
        return Assert.IsType<StreamsDocument>(MtConnectDocumentReader.Read(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
