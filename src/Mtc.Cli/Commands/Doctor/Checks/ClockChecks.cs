using System.Globalization;
using System.Text.Json.Nodes;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>Timestamp quality: missing zones, steps back in time within a page, timestamps ahead of the local clock.</summary>
internal static class ClockChecks
{
    /// <summary>Ahead of the local clock by more than this is "in the future" (two clocks never agree exactly).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromSeconds(2);

    /// <param name="pages">Sample pages: their observations in sequence order should not step back in time.</param>
    /// <param name="snapshots">Current documents: last values, checked for zones and the future only.</param>
    public static Finding Timestamps(TimestampText text, IEnumerable<(StreamsDocument Document, DateTime Received)> pages,
        IEnumerable<(StreamsDocument Document, DateTime Received)> snapshots)
    {
        const string Name = "timestamps";
        long observations = 0, stepsBack = 0, future = 0;
        var biggestStep = TimeSpan.Zero;
        var mostAhead = TimeSpan.Zero;
        TimeSpan? clockOffset = null;
        string? stepDevice = null;
        foreach (var (document, received, isPage) in pages.Select(p => (p.Document, p.Received, true)).Concat(snapshots.Select(s => (s.Document, s.Received, false))))
        {
            if (clockOffset is null && document.Header.CreationTime is { } created)
            {
                clockOffset = created - received;
            }

            foreach (var stream in document.Streams)
            {
                DateTime? previous = null;
                foreach (var o in stream.Observations.OrderBy(o => o.Sequence))
                {
                    observations++;
                    if (isPage && previous is { } p && o.Timestamp < p)
                    {
                        stepsBack++;
                        if (p - o.Timestamp > biggestStep)
                        {
                            biggestStep = p - o.Timestamp;
                            stepDevice = stream.Name;
                        }
                    }

                    if (o.Timestamp - received > FutureTolerance)
                    {
                        future++;
                        mostAhead = o.Timestamp - received > mostAhead ? o.Timestamp - received : mostAhead;
                    }

                    previous = previous is { } q && q > o.Timestamp ? q : o.Timestamp;
                }
            }
        }

        var facts = new JsonObject
        {
            ["observations"] = observations,
            ["timestamps"] = text.Total,
            ["withoutZone"] = text.WithoutZone,
            ["withoutZoneExample"] = text.Example,
            ["stepsBack"] = stepsBack,
            ["largestStepBackMs"] = (long)biggestStep.TotalMilliseconds,
            ["inFuture"] = future,
            ["mostAheadMs"] = (long)mostAhead.TotalMilliseconds,
            ["agentClockOffsetMs"] = clockOffset is { } c ? (long)c.TotalMilliseconds : null,
        };
        if (observations == 0)
        {
            return Finding.NotChecked(Name, "no observation was read", "the edge reads timestamps as UTC");
        }

        var problems = new List<string>();
        var edge = new List<string>();
        if (text.WithoutZone > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{text.WithoutZone} of {text.Total} timestamps have no Z (e.g. {text.Example})"));
            edge.Add("a timestamp without Z is read as UTC: if the agent writes local time, every time is off by the UTC offset");
        }

        if (stepsBack > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{stepsBack} step(s) back in time in sequence order within sample pages, the largest {biggestStep.TotalSeconds:0.###} s ({stepDevice})"));
            edge.Add("the analytics counts time only forwards: a step back up to a minute holds the clock, a larger one re-anchors it and counts nothing");
        }

        if (future > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{future} timestamp(s) ahead of this computer's clock, up to {mostAhead.TotalSeconds:0.#} s"));
            edge.Add("data from the future is stored as stamped; status and cycle times use the machine's clock, so they stay consistent");
        }

        var seen = string.Create(CultureInfo.InvariantCulture, $"{observations} observations read");
        if (clockOffset is { } offset)
        {
            seen += string.Create(CultureInfo.InvariantCulture, $", the agent's clock {offset.TotalSeconds:+0.#;-0.#;0} s from this computer's");
        }

        return problems.Count == 0
            ? Finding.Ok(Name, seen + ": every timestamp in UTC with Z, none steps back, none in the future",
                "the edge and the analytics take the agent's timestamps as they are", facts)
            : Finding.Warn(Name, seen + ": " + string.Join("; ", problems), string.Join("; ", edge), facts);
    }
}
