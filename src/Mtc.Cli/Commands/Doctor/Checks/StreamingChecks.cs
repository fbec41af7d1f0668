using System.Globalization;
using System.Text.Json.Nodes;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>The framing of the agent's stream and whether its heartbeats come in time.</summary>
internal static class StreamingChecks
{
    private static readonly string[] StandardHeaders = ["Content-Type", "Content-Length"];

    public static Finding Framing(StreamCapture c)
    {
        const string Name = "streaming";
        var facts = new JsonObject
        {
            ["request"] = c.Request,
            ["status"] = c.Status == 0 ? null : c.Status,
            ["contentType"] = c.ContentType,
            ["boundary"] = c.Boundary,
            ["streaming"] = c.NotStreaming is null,
            ["parts"] = c.Parts,
            ["partHeaders"] = new JsonArray([.. c.HeaderNames.Select(h => JsonValue.Create(h))]),
            ["partsWithoutContentLength"] = c.PartsWithoutLength,
            ["bomsBetweenParts"] = c.BomsBetweenParts,
            ["bomsAtPartStart"] = c.BomsAtPartStart,
            ["unreadableParts"] = c.UnreadableParts,
            ["bytes"] = c.Bytes,
        };
        if (c.NotStreaming is { } why)
        {
            return Finding.Warn(Name, $"{c.Request}: {why}", "the edge falls back to polling sample by itself (no streaming, one request per interval)", facts);
        }

        var seen = string.Create(CultureInfo.InvariantCulture,
            $"{c.ContentType}: {c.Parts} part(s) in {c.Listened.TotalSeconds:0.#} s, part headers {(c.HeaderNames.Count == 0 ? "none" : string.Join(", ", c.HeaderNames))}");
        var odd = c.HeaderNames.Where(h => !StandardHeaders.Contains(h, StringComparer.Ordinal) && StandardHeaders.Contains(h, StringComparer.OrdinalIgnoreCase)).ToList();
        if (odd.Count > 0)
        {
            seen += $" (spelled {string.Join(", ", odd)})";
        }

        var notes = new List<string>();
        if (c.PartsWithoutLength > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{c.PartsWithoutLength} part(s) without Content-Length"));
        }

        if (c.BomsBetweenParts > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{c.BomsBetweenParts} UTF-8 BOM(s) before boundaries"));
        }

        if (c.BomsAtPartStart > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{c.BomsAtPartStart} part(s) starting with a UTF-8 BOM"));
        }

        if (notes.Count > 0)
        {
            seen += "; " + string.Join("; ", notes);
        }

        if (c.FramingError is { } framing)
        {
            return Finding.Fail(Name, $"{seen}; the stream could not be read: {framing}",
                "the edge reconnects after such a stream and falls back to polling when streaming keeps failing", facts);
        }

        if (c.PartError is { } part)
        {
            return Finding.Fail(Name, $"{seen}; {c.UnreadableParts} part(s) not readable: {part}", "the edge cannot collect from parts it cannot read: it reconnects", facts);
        }

        const string Edge = "the edge takes the boundary from the Content-Type, reads parts by Content-Length (else to the next boundary), "
            + "matches part header names in any case and skips bytes before a boundary";
        return notes.Count > 0 || c.Parts == 0
            ? Finding.Warn(Name, c.Parts == 0 ? seen + "; no part arrived" : seen, Edge, facts)
            : Finding.Ok(Name, seen, Edge, facts);
    }

    /// <summary>The longest silence between parts (and after the last) against the heartbeat asked for.</summary>
    public static Finding Heartbeat(StreamCapture c)
    {
        const string Name = "heartbeat";
        if (c.NotStreaming is not null)
        {
            return Finding.NotChecked(Name, "the agent did not stream", "the edge polls, so no heartbeat is needed");
        }

        var hb = c.Heartbeat.TotalMilliseconds;
        var limit = c.Heartbeat * 3 + c.Interval;
        var facts = new JsonObject
        {
            ["heartbeatMs"] = (long)hb,
            ["intervalMs"] = (long)c.Interval.TotalMilliseconds,
            ["heartbeats"] = c.Heartbeats,
            ["parts"] = c.Parts,
            ["firstPartMs"] = c.FirstPart is { } f ? (long)f.TotalMilliseconds : null,
            ["maxSilenceMs"] = (long)c.MaxSilence.TotalMilliseconds,
            ["listenedMs"] = (long)c.Listened.TotalMilliseconds,
        };
        var edge = string.Create(CultureInfo.InvariantCulture,
            $"the edge takes silence beyond 3× heartbeat + interval ({limit.TotalSeconds:0.#} s here) as a dead connection and reconnects from its cursor, losing nothing");
        if (c.FirstPart is null)
        {
            return Finding.Fail(Name, string.Create(CultureInfo.InvariantCulture, $"no part within {c.Listened.TotalSeconds:0.#} s (heartbeat {hb:0} ms)"), edge, facts);
        }

        var seen = string.Create(CultureInfo.InvariantCulture,
            $"heartbeat {hb:0} ms asked: {c.Heartbeats} heartbeat part(s), longest silence {c.MaxSilence.TotalMilliseconds:0} ms over {c.Listened.TotalSeconds:0.#} s");
        if (c.MaxSilence <= c.Heartbeat + c.Interval + TimeSpan.FromSeconds(1))
        {
            return Finding.Ok(Name, seen, edge, facts);
        }

        return c.MaxSilence <= limit
            ? Finding.Warn(Name, seen + ": later than the heartbeat", edge, facts)
            : Finding.Fail(Name, seen + ": the edge would take the stream for dead", edge, facts);
    }
}
