using System.Globalization;
using System.Net;
using System.Text;

namespace Mtc.Edge.Status;

/// <summary>The status page: one verdict line, then machines, sources, outbox and uplink; it refreshes itself every 5 seconds.</summary>
internal static class StatusPage
{
    public static string Render(EdgeStatusReport r)
    {
        var problems = Problems(r);
        var sb = new StringBuilder(4096);
        sb.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>MTConnect edge</title><style>
            body{font:15px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
            td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}th{background:#f4f4f4}
            .status{font-weight:600}.ACTIVE{color:#0a6b2d}.IDLE{color:#a15c00}.SETUP{color:#1f4fa8}.ALARM{color:#b00020}.OFFLINE{color:#777}
            .ok{color:#0a6b2d}.bad{color:#b00020}.verdict{font-size:1.4rem;font-weight:600}.small{color:#666;font-size:.85rem}
            </style></head><body>
            """);
        sb.Append(CultureInfo.InvariantCulture, $"<h1>Edge {H(r.EdgeId)}</h1>");
        sb.Append(problems.Count == 0
            ? "<p id=\"verdict\" class=\"verdict ok\">All good: collecting and delivering.</p>"
            : $"<p id=\"verdict\" class=\"verdict bad\">Needs attention: {H(string.Join("; ", problems))}</p>");
        sb.Append(CultureInfo.InvariantCulture, $"<p id=\"updated\" class=\"small\">As of {r.Now:yyyy-MM-dd HH:mm:ss} UTC; this page refreshes itself every 5 s.</p>");
        var sourceStates = r.Sources.ToDictionary(s => s.Key, s => s.State, StringComparer.Ordinal);
        sb.Append("<h2>Machines</h2><table id=\"machines\"><tr><th>Machine</th><th>Name</th><th>Status</th><th>Program</th><th>Parts</th><th>Source</th><th>State</th><th>Observations</th><th>Last data</th></tr>");
        foreach (var m in r.Machines)
        {
            var state = m.Source is { } k && sourceStates.TryGetValue(k, out var st) ? st : "no data yet";
            sb.Append(CultureInfo.InvariantCulture,
                $"<tr data-machine=\"{H(m.Id)}\"><td>{H(m.Id)}</td><td>{H(m.Name ?? "")}</td>{StatusCell(m)}<td class=\"program\">{H(m.Program ?? "")}</td><td class=\"parts\">{m.Parts}</td><td class=\"source\">{H(m.Source ?? "")}</td><td class=\"state {(state == "connected" ? "ok" : "bad")}\">{H(state)}</td><td class=\"observations\">{m.Observations}</td><td>{Ago(m.LastData, r.Now)}</td></tr>");
        }
        sb.Append("</table><h2>Sources</h2><table id=\"sources\"><tr><th>Source</th><th>State</th><th>Observations</th><th>Gaps</th><th>Malformed lines</th><th>Last data</th><th>Last error</th></tr>");
        foreach (var s in r.Sources)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<tr data-source=\"{H(s.Key)}\"><td>{H(s.Address)}</td><td class=\"state {(s.State == "connected" ? "ok" : "bad")}\">{H(s.State)}</td><td class=\"observations\">{s.Observations}</td><td>{s.Gaps}</td><td class=\"malformed {(s.MalformedLines == 0 ? "ok" : "bad")}\">{s.MalformedLines}</td><td>{Ago(s.LastData, r.Now)}</td><td>{H(s.LastError ?? "")}</td></tr>");
        }
        var o = r.Outbox;
        sb.Append(CultureInfo.InvariantCulture, $"""
            </table><h2>Outbox</h2><table id="outbox">
            <tr><th>Waiting</th><td id="outbox-records">{o.Records} records</td></tr>
            <tr><th>Oldest waiting</th><td id="outbox-age">{Duration(o.OldestAgeSeconds)}</td></tr>
            <tr><th>Disk used</th><td id="outbox-bytes">{Mib(o.FileBytes)} of {Mib(o.MaxBytes)} ({Percent(o.FileBytes, o.MaxBytes)} of the quota)</td></tr>
            <tr><th>Dropped by the quota</th><td id="outbox-dropped" class="{(o.DroppedRecords == 0 ? "ok" : "bad")}">{o.DroppedRecords} records in {o.QuotaDrops} drops (each sent to the cloud as a gap record)</td></tr>
            <tr><th>Quarantined</th><td id="outbox-quarantined">{o.QuarantinedRecords} records in {o.QuarantinedBatches} batches</td></tr>
            </table>
            """);
        var u = r.Uplink;
        var uplink = u.FailingSince is { } since
            ? $"{u.State}: failing for {Lasting((r.Now - since).TotalSeconds)}" + (u.NextAttempt is { } next ? $", next attempt in {Duration(Math.Max(0, (next - r.Now).TotalSeconds))}" : "")
            : u.State;
        sb.Append(CultureInfo.InvariantCulture, $"""
            <h2>Cloud</h2><table id="uplink">
            <tr><th>State</th><td id="uplink-state" class="{(u.FailingSince is null ? "ok" : "bad")}">{H(uplink)}</td></tr>
            <tr><th>Last delivery</th><td id="uplink-last">{Ago(u.LastSuccess, r.Now)}</td></tr>
            <tr><th>Delivered up to</th><td>record {u.Hwm}</td></tr>
            <tr><th>Batches</th><td>{u.BatchesSent} sent, {u.BatchesRetried} retried, {u.BatchesQuarantined} refused</td></tr>
            <tr><th>Last error</th><td id="uplink-error">{H(u.LastError ?? "")}</td></tr>
            <tr><th>Registration</th><td>{H(u.Setup ?? "")}</td></tr>
            </table><p><a href="/api/status">/api/status</a> · <a href="/metrics">/metrics</a></p></body></html>
            """);
        return sb.ToString();
    }

    /// <summary>What a person should look at, in plain words.</summary>
    public static List<string> Problems(EdgeStatusReport r)
    {
        var list = new List<string>();
        list.AddRange(r.Sources.Where(s => s.State != "connected")
            .Select(s => s.State == SourceState.Failing && s.LastError is { } why ? $"{s.Address} is failing: {why}" : $"{s.Address} is {s.State}"));
        if (r.Uplink.LastError is not null)
        {
            list.Add($"cloud: {r.Uplink.LastError}");
        }
        if (r.Outbox.OldestAgeSeconds > 300)
        {
            list.Add($"oldest record waiting for {Duration(r.Outbox.OldestAgeSeconds)}");
        }
        if (r.Outbox.MaxBytes > 0 && r.Outbox.FileBytes >= r.Outbox.MaxBytes / 10 * 8)
        {
            list.Add($"outbox at {Percent(r.Outbox.FileBytes, r.Outbox.MaxBytes)} of its quota");
        }
        if (r.Outbox.QuarantinedBatches > 0)
        {
            list.Add($"{r.Outbox.QuarantinedBatches} batches refused by the cloud");
        }
        return list;
    }

    /// <summary>The machine's status, coloured, with when it began (the machine's data time) as a tooltip.</summary>
    private static string StatusCell(MachineReport m)
    {
        if (m.Status is not { } status)
        {
            return "<td class=\"status\">no data yet</td>";
        }
        var since = m.StatusSince is { } at ? string.Create(CultureInfo.InvariantCulture, $" title=\"since {at:yyyy-MM-dd HH:mm:ss} UTC\"") : "";
        return string.Create(CultureInfo.InvariantCulture, $"<td class=\"status {H(status)}\"{since}>{H(status)}</td>");
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");

    private static string Percent(long part, long whole) =>
        whole <= 0 ? "?" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0} %");

    private static string H(string text) => WebUtility.HtmlEncode(text);

    private static string Ago(DateTimeOffset? at, DateTimeOffset now) => at is not { } a ? "never"
        : (now - a).TotalSeconds < 1 ? "just now" : Duration((now - a).TotalSeconds) + " ago";

    private static string Lasting(double seconds) => seconds < 1 ? "under 1 s" : Duration(seconds);

    private static string Duration(double seconds) => seconds switch
    {
        < 1 => "now",
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
    };
}
