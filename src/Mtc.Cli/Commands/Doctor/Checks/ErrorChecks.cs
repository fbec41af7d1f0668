using System.Globalization;
using System.Text.Json.Nodes;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>How the agent says no: the HTTP status of its error documents and their schema (<c>Error</c> or 2.6+ typed).</summary>
internal static class ErrorChecks
{
    /// <summary>Requests every agent must refuse: a sequence far past its buffer, a count of 0, a request that does not exist.</summary>
    public static IReadOnlyList<string> Requests(StreamsDocument current) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"sample?from={(current.Header.NextSequence ?? 0) + 1_000_000_000}&count=1"),
        "sample?count=0",
        "doctor-no-such-request",
    ];

    public static Finding Status(IReadOnlyList<AgentAnswer> answers)
    {
        const string Name = "error-status";
        var list = new JsonArray();
        foreach (var a in answers)
        {
            var o = SequenceChecks.Facts(a);
            o["contentType"] = a.ContentType;
            o["codes"] = new JsonArray([.. (a.Document as ErrorDocument)?.Errors.Select(e => JsonValue.Create(e.Code)) ?? []]);
            o["errorDocument"] = a.Document is ErrorDocument;
            list.Add(o);
        }

        var facts = new JsonObject { ["answers"] = list };
        var seen = string.Join("; ", answers.Select(a => $"{a.Request}: {SequenceChecks.Describe(a)}"));
        var outOfRange = answers[0];
        if (outOfRange.Document is not ErrorDocument)
        {
            facts["errorsWith200"] = false;
            return Finding.Fail(Name, seen, "the edge cannot tell that it fell behind the agent's buffer: a from past the buffer must answer an error document", facts);
        }

        var errors = answers.Where(a => a.Document is ErrorDocument).ToList();
        var with200 = errors.Where(a => a.IsHttpSuccess).ToList();
        facts["errorsWith200"] = with200.Count > 0;
        var notMtConnect = answers.Where(a => a.Document is not ErrorDocument).ToList();
        if (with200.Count > 0)
        {
            return Finding.Warn(Name, $"error documents come back with HTTP {with200[0].Status} (as MTConnect.NET): {seen}",
                "the edge reads the document whatever the status, so this is safe; HTTP clients that trust the status take errors for data", facts);
        }

        return notMtConnect.Count > 0
            ? Finding.Warn(Name, $"not every refusal is an MTConnect error document: {seen}",
                "the edge only sends well-formed requests and reads errors from sample, which answered an error document", facts)
            : Finding.Ok(Name, $"errors come back as 4xx with an error document: {seen}", "the edge reads the error document whatever the status", facts);
    }

    /// <summary>Legacy <c>&lt;Error errorCode=...&gt;</c> before 2.6, typed <c>&lt;OutOfRange&gt;</c> with <c>QueryParameter</c> from 2.6.</summary>
    public static Finding Schema(string? version, IReadOnlyList<AgentAnswer> answers)
    {
        const string Name = "error-schema";
        var errors = answers.Select(a => a.Document).OfType<ErrorDocument>().SelectMany(d => d.Errors).ToList();
        if (errors.Count == 0)
        {
            return Finding.NotChecked(Name, "the agent answered no error document", "the edge reads both the legacy and the typed errors");
        }

        var typed = errors.Where(e => e.ElementName is not null).ToList();
        var outOfRange = errors.FirstOrDefault(e => e.Code == AgentErrorCodes.OutOfRange);
        var facts = new JsonObject
        {
            ["typed"] = typed.Count,
            ["legacy"] = errors.Count - typed.Count,
            ["outOfRangeParameter"] = outOfRange?.Parameter is { } p
                ? new JsonObject { ["name"] = p.Name, ["value"] = p.Value, ["minimum"] = p.Minimum, ["maximum"] = p.Maximum }
                : null,
        };
        var shape = typed.Count == errors.Count ? "typed" : typed.Count == 0 ? "legacy" : "mixed";
        facts["schema"] = shape;
        var seen = string.Join("; ", errors.Select(e => (e.ElementName is { } el ? $"<{el}>" : $"<Error errorCode=\"{e.Code}\">")
            + (e.Parameter is { } q ? string.Create(CultureInfo.InvariantCulture, $" QueryParameter {q.Name}={q.Value} [{q.Minimum}..{q.Maximum}]") : "")));
        var expectTyped = version is { } v && string.CompareOrdinal(v, "2.6") >= 0;
        const string Edge = "the edge reads both; at OUT_OF_RANGE it resumes from QueryParameter/Minimum when given, else from current's firstSequence, with a gap of the exact count";
        if (shape == "mixed" || (shape == "typed") != expectTyped)
        {
            return Finding.Warn(Name, $"{shape} errors at schema {version ?? "unknown"} (expected {(expectTyped ? "typed" : "legacy")}): {seen}", Edge, facts);
        }

        return Finding.Ok(Name, $"{shape} errors, as schema {version} defines: {seen}", Edge, facts);
    }
}
