using System.Globalization;
using System.Text.Json.Nodes;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>How long the agent's buffer holds at the rate measured over the run, against how long the edge may be away.</summary>
internal static class BufferCheck
{
    /// <summary>
    /// The outage the edge is meant to ride out without losing a sequence (a restart, an update, a network cut between the
    /// edge and the agent): the agent's buffer must hold at least this long.
    /// </summary>
    public static readonly TimeSpan EdgeOutageTolerance = TimeSpan.FromMinutes(10);

    /// <summary>The edge's own worst case to notice a dead stream and be back: 3× the default 10 s heartbeat plus the 30 s reconnect backoff.</summary>
    public static readonly TimeSpan EdgeReconnect = TimeSpan.FromSeconds(60);

    public static Finding Check(StreamsDocument start, DateTime startAt, StreamsDocument? end, DateTime endAt)
    {
        const string Name = "buffer";
        var size = start.Header.BufferSize;
        var facts = new JsonObject
        {
            ["bufferSize"] = size,
            ["firstSequence"] = start.Header.FirstSequence,
            ["nextSequence"] = start.Header.NextSequence,
            ["toleranceSeconds"] = EdgeOutageTolerance.TotalSeconds,
        };
        if (size is not > 0)
        {
            return Finding.Warn(Name, "the header gives no bufferSize", "the edge cannot know how long it may be away; it records a gap with the exact count if it falls behind", facts);
        }

        if (end is null || end.Header.InstanceId != start.Header.InstanceId)
        {
            facts["restarted"] = end is not null;
            return end is null
                ? Finding.NotChecked(Name, "current did not answer at the end of the run", "the edge records a gap with the exact count if it falls behind the buffer")
                : Finding.Warn(Name, $"the agent restarted during the run (instanceId {start.Header.InstanceId} -> {end.Header.InstanceId})",
                    "the edge re-probes and collects the new instance from its firstSequence; what the old one served after the cursor is a gap", facts);
        }

        var seconds = (endAt - startAt).TotalSeconds;
        var added = (end.Header.NextSequence ?? 0) - (start.Header.NextSequence ?? 0);
        var rate = seconds > 0 ? added / seconds : 0;
        facts["observationsPerSecond"] = Math.Round(rate, 3);
        facts["measuredSeconds"] = Math.Round(seconds, 3);
        var holds = rate > 0 ? size.Value / rate : (double?)null;
        facts["bufferSeconds"] = holds is { } h ? Math.Round(h, 1) : null;
        var seen = string.Create(CultureInfo.InvariantCulture, $"bufferSize {size}, {rate:0.##} observations/s over {seconds:0.#} s");
        const string Edge = "while the edge is away longer than the buffer holds, the oldest observations are overwritten: "
            + "the edge records them as a gap with the exact count and goes on from the oldest the agent still has";
        if (holds is not { } buffer)
        {
            return Finding.Ok(Name, seen + ": no new observation during the run, the buffer does not wrap", Edge, facts);
        }

        seen += string.Create(CultureInfo.InvariantCulture, $": the buffer wraps in {Duration(buffer)} (the edge's outage tolerance is {Duration(EdgeOutageTolerance.TotalSeconds)})");
        return buffer >= EdgeOutageTolerance.TotalSeconds ? Finding.Ok(Name, seen, Edge, facts)
            : buffer >= EdgeReconnect.TotalSeconds ? Finding.Warn(Name, seen + "; a larger agent buffer would cover it", Edge, facts)
            : Finding.Fail(Name, seen + "; shorter than the edge needs to notice a dead stream and reconnect", Edge, facts);
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
    };
}
