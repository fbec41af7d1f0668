using System.Globalization;
using System.Text.Json.Nodes;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>What the header's <c>nextSequence</c> means, and what the agent answers when asked for what it does not have yet.</summary>
internal static class SequenceChecks
{
    /// <summary>Observations asked for in the page that tells the two semantics apart.</summary>
    public const int PageCount = 5;

    public static string PageRequest(StreamsDocument current) => string.Create(CultureInfo.InvariantCulture,
        $"sample?from={current.Header.FirstSequence ?? 1}&count={PageCount}");

    /// <summary>
    /// A small page from the oldest observation: cppagent answers <c>nextSequence</c> = its last observation + 1, MTConnect.NET
    /// its buffer's last + 1 whatever it returned.
    /// </summary>
    public static Finding NextSequence(StreamsDocument current, AgentAnswer page)
    {
        const string Name = "next-sequence";
        const string Edge = "the edge follows a full page from its last observation + 1 and a short page from nextSequence, "
            + "so either semantics loses nothing";
        var first = current.Header.FirstSequence ?? 0;
        var last = current.Header.LastSequence ?? 0;
        if (last - first + 1 <= PageCount)
        {
            return Finding.NotChecked(Name, string.Create(CultureInfo.InvariantCulture,
                $"the agent holds {Math.Max(0, last - first + 1)} observation(s), no more than the page of {PageCount} that tells the semantics apart"), Edge);
        }

        if (page.Document is not StreamsDocument streams)
        {
            return Finding.Fail(Name, $"{page.Request} answered {Describe(page)}", "the edge cannot page through this agent's buffer", Facts(page));
        }

        var returned = streams.Streams.SelectMany(s => s.Observations).Select(o => o.Sequence).ToList();
        var next = streams.Header.NextSequence;
        var bufferLast = streams.Header.LastSequence;
        var lastReturned = returned.Count == 0 ? (long?)null : returned.Max();
        var facts = Facts(page);
        facts["returned"] = returned.Count;
        facts["lastReturned"] = lastReturned;
        facts["nextSequence"] = next;
        facts["lastSequence"] = bufferLast;
        var said = string.Create(CultureInfo.InvariantCulture,
            $"{page.Request} returned {returned.Count} observation(s), the last {lastReturned?.ToString(CultureInfo.InvariantCulture) ?? "none"}; nextSequence {next?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, lastSequence {bufferLast?.ToString(CultureInfo.InvariantCulture) ?? "missing"}");
        if (next is null || lastReturned is null)
        {
            facts["semantics"] = "unknown";
            return Finding.Warn(Name, said, Edge, facts);
        }

        if (next == lastReturned + 1)
        {
            facts["semantics"] = "follows-last-returned";
            return Finding.Ok(Name, said + ": nextSequence follows the last returned observation (as cppagent)", Edge, facts);
        }

        if (next < lastReturned + 1)
        {
            facts["semantics"] = "behind-last-returned";
            return Finding.Warn(Name, said + ": nextSequence is not after the last returned observation",
                "the edge follows a full page from its last observation + 1; after a short page it asks again for what it has and drops the repeats", facts);
        }

        facts["semantics"] = next == bufferLast + 1 ? "buffer-end" : "ahead-of-last-returned";
        return Finding.Warn(Name, said + (next == bufferLast + 1
            ? ": nextSequence runs to the buffer's end whatever was returned (as MTConnect.NET)"
            : ": nextSequence runs ahead of the last returned observation"), Edge, facts);
    }

    /// <summary><c>sample?from=nextSequence</c> right after <c>current</c>: an empty page, new data, or an OUT_OF_RANGE error.</summary>
    public static Finding Idle(AgentAnswer answer)
    {
        const string Name = "idle-sample";
        var facts = Facts(answer);
        switch (answer.Document)
        {
            case StreamsDocument streams:
                var n = streams.Streams.Sum(s => s.Observations.Count);
                facts["answer"] = n == 0 ? "empty" : "data";
                facts["observations"] = n;
                return Finding.Ok(Name, n == 0
                        ? $"{answer.Request} answered an empty page ({answer.Http})"
                        : string.Create(CultureInfo.InvariantCulture, $"{answer.Request} answered {n} new observation(s) (the agent was not idle)"),
                    "the edge waits for the next interval and asks again", facts);
            case ErrorDocument error when error.Has(AgentErrorCodes.OutOfRange):
                facts["answer"] = "OUT_OF_RANGE";
                return Finding.Warn(Name, $"{answer.Request} answered OUT_OF_RANGE ({answer.Http}) when nothing was new (as MTConnect.NET)",
                    "the edge takes OUT_OF_RANGE at its own nextSequence as nothing new yet and polls again, without a gap or a reconnect", facts);
            default:
                facts["answer"] = "other";
                return Finding.Fail(Name, $"{answer.Request} answered {Describe(answer)}", "the edge reconnects and retries", facts);
        }
    }

    public static string Describe(AgentAnswer answer) => answer switch
    {
        { Failure: { } failure } => "nothing: " + failure,
        { Document: ErrorDocument e } => $"{answer.Http} with {string.Join(", ", e.Errors.Select(x => x.Code))}",
        { Document: { } d } => $"{answer.Http} with a {d.Kind.ToString().ToLowerInvariant()} document",
        _ => $"{answer.Http} that is not an MTConnect document ({answer.ParseError})",
    };

    public static JsonObject Facts(AgentAnswer answer) => new()
    {
        ["request"] = answer.Request,
        ["status"] = answer.Status == 0 ? null : answer.Status,
    };
}
