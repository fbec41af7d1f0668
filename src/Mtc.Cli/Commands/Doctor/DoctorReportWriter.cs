using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mtc.Cli.Commands.Doctor;

/// <summary>Writes the findings as a table for people or as one JSON object for programs.</summary>
internal static class DoctorReportWriter
{
    private const int TextWidth = 96;

    public static string Json(DoctorReport report)
    {
        var findings = new JsonArray();
        foreach (var f in report.Findings)
        {
            findings.Add(new JsonObject
            {
                ["name"] = f.Name,
                ["verdict"] = Text(f.Verdict),
                ["seen"] = f.Seen,
                ["edge"] = f.Edge,
                ["facts"] = f.Facts.DeepClone(),
            });
        }

        var root = new JsonObject
        {
            ["agent"] = report.Agent,
            ["verdict"] = Text(report.Verdict),
            ["seconds"] = Math.Round(report.Took.TotalSeconds, 1),
            ["counts"] = new JsonObject
            {
                ["ok"] = report.Findings.Count(f => f.Verdict == Verdict.Ok),
                ["warn"] = report.Findings.Count(f => f.Verdict == Verdict.Warn),
                ["fail"] = report.Findings.Count(f => f.Verdict == Verdict.Fail),
            },
            ["findings"] = findings,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>One row per finding: verdict, name, what was seen; the edge's behaviour on the line below.</summary>
    public static string Table(DoctorReport report)
    {
        var nameWidth = Math.Max(7, report.Findings.Max(f => f.Name.Length));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"mtc doctor {report.Agent}: {Text(report.Verdict)} ");
        text.Append(CultureInfo.InvariantCulture, $"({report.Findings.Count(f => f.Verdict == Verdict.Ok)} ok, {report.Findings.Count(f => f.Verdict == Verdict.Warn)} warn, ");
        text.Append(CultureInfo.InvariantCulture, $"{report.Findings.Count(f => f.Verdict == Verdict.Fail)} fail, {report.Took.TotalSeconds:0.#} s)\n\n");
        var indent = new string(' ', 8 + nameWidth + 2);
        text.Append(CultureInfo.InvariantCulture, $"{"VERDICT",-8}{"FINDING".PadRight(nameWidth + 2)}SEEN / WHAT THE EDGE DOES\n");
        foreach (var f in report.Findings)
        {
            var seen = Wrap(f.Seen);
            var edge = Wrap("edge: " + f.Edge);
            text.Append(CultureInfo.InvariantCulture, $"{Text(f.Verdict),-8}{f.Name.PadRight(nameWidth + 2)}{seen[0]}\n");
            foreach (var line in seen.Skip(1).Concat(edge))
            {
                text.Append(indent).Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    public static string Text(Verdict verdict) => verdict.ToString().ToLowerInvariant();

    private static List<string> Wrap(string text)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > TextWidth)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        lines.Add(line.ToString());
        return lines;
    }
}
