using System.Globalization;
using System.Text;
using System.Text.Json;
using Mtc.Core.Analytics;

namespace Mtc.Cli.Commands.Analyze;

/// <summary>Writes the analysis as JSON (for programs) or as a table (for people).</summary>
internal static class ReportWriter
{
    public static string Json(MachineReport report)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("machines");
            WriteMachine(w, report);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteMachine(Utf8JsonWriter w, MachineReport r)
    {
        w.WriteStartObject();
        w.WriteString("device", r.Device);
        w.WriteString("uuid", r.Uuid);
        w.WriteNumber("parts", r.Parts);
        w.WriteStartObject("statusSeconds");
        foreach (var status in MachineStatus.All)
        {
            w.WriteNumber(status, Round(r.StatusSeconds[status]));
        }

        w.WriteEndObject();
        w.WriteStartArray("cycles");
        foreach (var c in r.Cycles)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("start", c.Start);
            w.WriteString("end", c.End!.Value);
            w.WriteNumber("durationSeconds", Round(c.DurationSeconds));
            w.WriteNumber("activeSeconds", Round(c.ActiveSeconds));
            w.WriteNumber("interruptedSeconds", Round(c.InterruptedSeconds));
            w.WriteString("program", c.Program);
            w.WriteNumber("parts", c.Parts);
            w.WriteString("completion", c.Completion);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("setups");
        foreach (var s in r.Setups)
        {
            w.WriteStartObject();
            w.WriteString("id", s.Id);
            w.WriteString("start", s.Start);
            w.WriteString("end", s.End!.Value);
            w.WriteNumber("durationSeconds", Round(s.DurationSeconds));
            w.WriteString("source", s.Source);
            w.WriteString("program", s.Program);
            w.WriteBoolean("ongoing", s.Ongoing);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("alarms");
        foreach (var a in r.Alarms)
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            w.WriteString("start", a.Start);
            w.WriteString("end", a.End!.Value);
            w.WriteNumber("durationSeconds", Round(a.DurationSeconds));
            w.WriteString("nativeCode", a.NativeCode);
            w.WriteString("level", a.Level);
            w.WriteString("message", a.Message);
            w.WriteString("dataItemId", a.DataItemId);
            w.WriteBoolean("ongoing", a.Ongoing);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        var s0 = r.Snapshot;
        w.WriteStartObject("summary");
        w.WriteString("status", s0.Status);
        w.WriteString("program", s0.Program);
        w.WriteNumber("partCount", s0.PartCount ?? 0);
        w.WriteBoolean("counterOnly", s0.CounterOnly);
        if (s0.TimelineStart is { } start)
        {
            w.WriteString("start", start);
        }

        if (s0.At is { } end)
        {
            w.WriteString("end", end);
        }

        w.WriteNumber("spanSeconds", Round(s0.SpanSeconds));
        if (s0.AverageCycleSeconds is { } average)
        {
            w.WriteNumber("averageCycleSeconds", Round(average));
        }

        w.WriteNumber("observations", r.Observations);
        w.WriteNumber("duplicates", r.Duplicates);
        w.WriteNumber("lines", r.Lines);
        w.WriteNumber("malformedLines", r.MalformedLines);
        w.WriteNumber("skippedEntries", r.SkippedEntries);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static string Table(MachineReport r)
    {
        var t = new StringBuilder();
        var s = r.Snapshot;
        Line(t, $"{r.Device} ({r.Uuid})  {s.TimelineStart:yyyy-MM-dd HH:mm:ss} .. {s.At:yyyy-MM-dd HH:mm:ss} UTC  {Duration(s.SpanSeconds)}");
        Line(t, $"parts {r.Parts}   cycles {r.Cycles.Count}   average cycle {(s.AverageCycleSeconds is { } a ? Duration(a) : "-")}   now {s.Status}");
        Line(t, "");
        Line(t, "status        time      share");
        foreach (var status in MachineStatus.All)
        {
            var seconds = r.StatusSeconds[status];
            var share = s.SpanSeconds > 0 ? seconds / s.SpanSeconds : 0;
            Line(t, $"{status,-9} {Duration(seconds),10} {share,9:P1}");
        }

        Line(t, "");
        Line(t, "cycle start           duration    active  program                   parts  completion");
        foreach (var c in r.Cycles)
        {
            Line(t, $"{c.Start:yyyy-MM-dd HH:mm:ss} {Duration(c.DurationSeconds),9} {Duration(c.ActiveSeconds),9}  {Cut(c.Program, 24),-24} {c.Parts,6}  {c.Completion}");
        }

        Line(t, "");
        Line(t, "setup start           duration  source");
        foreach (var setup in r.Setups)
        {
            Line(t, $"{setup.Start:yyyy-MM-dd HH:mm:ss} {Duration(setup.DurationSeconds),9}  {setup.Source}{(setup.Ongoing ? " (ongoing)" : "")}");
        }

        Line(t, "");
        Line(t, "alarm start           duration  level    code      message");
        foreach (var alarm in r.Alarms)
        {
            Line(t, $"{alarm.Start:yyyy-MM-dd HH:mm:ss} {Duration(alarm.DurationSeconds),9}  {alarm.Level,-8} {Cut(alarm.NativeCode, 8),-8}  {alarm.Message}{(alarm.Ongoing ? " (ongoing)" : "")}");
        }

        return t.ToString();
    }

    private static void Line(StringBuilder t, string text) => t.Append(CultureInfo.InvariantCulture, $"{text}\n");

    private static string Cut(string? text, int length) => text is null ? "-" : text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m{span.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s");
    }

    private static double Round(double seconds) => Math.Round(seconds, 3);
}
