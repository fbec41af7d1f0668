using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Tests.EndToEnd;

internal sealed partial class Pipeline
{
    /// <summary>
    /// Why agent sequences the cloud did not hold are missing, for a failure message: each one's device and data item (from
    /// the simulator), whether the edge's outbox still queues it or the cloud holds it by now (written, delivered late: the
    /// check came too early) or neither (never written, or deleted undelivered), the edge's cursor and outbox seqs, the
    /// cloud's high-water mark, and the logs.
    /// </summary>
    public async Task<string> ExplainMissingAsync(IReadOnlyList<long> missing)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"missing sequences: {Ranges(missing)}");
        try
        {
            var served = await SimItemsAsync(missing[0], missing[^1]);
            foreach (var device in missing.GroupBy(s => served.TryGetValue(s, out var x) ? x.Device : "?"))
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  device {device.Key}: {device.Count()} ({string.Join(", ", device.Take(12).Select(s => $"{s} {(served.TryGetValue(s, out var x) ? x.Item : "?")}"))})");
            }
        }
#pragma warning disable CA1031 // a diagnostic must not hide the failure it explains
        catch (Exception e)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  simulator: {e.Message}");
        }
        try
        {
            using var outbox = OpenReadOnly(Path.Combine(EdgeData, "outbox.db"));
            var queued = Query(outbox, "SELECT sequence, seq FROM records WHERE kind = 'observation' AND sequence BETWEEN $a AND $b",
                r => (Sequence: r.GetInt64(0), Seq: r.GetInt64(1)), ("$a", missing[0]), ("$b", missing[^1]))
                .Where(x => missing.Contains(x.Sequence)).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"edge outbox still queues {queued.Count} of them (outbox seqs {Ranges([.. queued.Select(q => q.Seq).Order()])}); " +
                $"{missing.Count - queued.Count} are not (delivered since, or never written, or deleted undelivered)");
            var cursors = Query(outbox, "SELECT source, instance_id, next_sequence FROM cursors", r => $"{r.GetString(0)} instance {r.GetValue(1)} next {r.GetInt64(2)}");
            var seqs = Query(outbox, "SELECT (SELECT COUNT(*) FROM records), (SELECT MIN(seq) FROM records), (SELECT seq FROM sqlite_sequence WHERE name = 'records')",
                r => $"{r.GetInt64(0)} records queued, oldest seq {r.GetValue(1)}, last seq {r.GetValue(2)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"edge outbox: {string.Join("; ", seqs)}; cursor {string.Join("; ", cursors)}");
        }
        catch (Exception e)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  edge outbox: {e.Message}");
        }
        try
        {
            using var cloud = OpenCloudDb();
            var arrived = Query(cloud, "SELECT DISTINCT seq FROM observations WHERE seq BETWEEN @a AND @b", r => r.GetInt64(0),
                ("@a", missing[0]), ("@b", missing[^1])).Where(missing.Contains).Order().ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"the cloud holds {arrived.Count} of them by now ({Ranges(arrived)}): those arrived after the check read the cloud");
            var streams = Query(cloud, "SELECT stream_id, hwm, records_received FROM streams", r => $"{r.GetString(0)} hwm {r.GetInt64(1)} received {r.GetInt64(2)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"cloud streams: {string.Join("; ", streams)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"edge status: {await Http.GetStringAsync(new Uri(EdgeUri, "/api/status"))}");
        }
        catch (Exception e)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  cloud or edge status: {e.Message}");
        }
#pragma warning restore CA1031
        return text.Append(Logs()).ToString();
    }

    /// <summary>The device and data item of each sequence the simulator holds in <c>[from, to]</c>.</summary>
    private async Task<Dictionary<long, (string Device, string Item)>> SimItemsAsync(long from, long to)
    {
        var result = new Dictionary<long, (string, string)>();
        var uri = new Uri(SimUri, string.Create(CultureInfo.InvariantCulture, $"/sample?from={from}&count={to - from + 1}"));
        var doc = XDocument.Parse(await Http.GetStringAsync(uri));
        foreach (var stream in doc.Descendants().Where(e => e.Name.LocalName == "DeviceStream"))
        {
            foreach (var o in stream.Descendants().Where(e => e.Attribute("sequence") is not null))
            {
                result[long.Parse(o.Attribute("sequence")!.Value, CultureInfo.InvariantCulture)] =
                    ((string?)stream.Attribute("name") ?? "", (string?)o.Attribute("dataItemId") ?? o.Name.LocalName);
            }
        }
        return result;
    }

    /// <summary>"1-3, 7, 9-12".</summary>
    private static string Ranges(IReadOnlyList<long> sorted)
    {
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }
            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        db.Open();
        return db;
    }

    private static List<T> Query<T>(System.Data.Common.DbConnection db, string sql, Func<System.Data.Common.DbDataReader, T> row, params (string Name, object Value)[] parameters)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(row(r));
        }
        return list;
    }
}
