using System.Data.Common;
using System.Text;

namespace Mtc.Cloud.Storage;

internal abstract partial class SqlCloudStore
{
    private const string MachineColumns = "id, name, uuid, edge_id, last_seen, device_model IS NOT NULL";

    public async Task<IReadOnlyList<MachineRow>> ListMachinesAsync(string tenant, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null, $"SELECT {MachineColumns} FROM machines WHERE tenant = @t ORDER BY id", ("@t", tenant)),
                ReadMachine, ct).ConfigureAwait(false);
        }
    }

    public async Task<MachineRow?> GetMachineAsync(string tenant, string machineId, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null, $"SELECT {MachineColumns} FROM machines WHERE tenant = @t AND id = @m",
                ("@t", tenant), ("@m", machineId)), ReadMachine, ct).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    private MachineRow ReadMachine(DbDataReader r) =>
        new(r.GetString(0), Str(r, 1), Str(r, 2), Str(r, 3), Time(r, 4), Convert.ToBoolean(r.GetValue(5), System.Globalization.CultureInfo.InvariantCulture));

    public async Task<IReadOnlyList<CurrentValueRow>> GetCurrentValuesAsync(string tenant, string machineId, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                "SELECT data_item_id, name, category, type, value, level, ts, seq FROM current_values " +
                "WHERE tenant = @t AND machine_id = @m ORDER BY data_item_id", ("@t", tenant), ("@m", machineId)),
                r => new CurrentValueRow(r.GetString(0), Str(r, 1), Str(r, 2), Str(r, 3), Str(r, 4), Str(r, 5), ReadTime(r, 6), r.GetInt64(7)),
                ct).ConfigureAwait(false);
        }
    }

    public async Task<string?> GetDeviceModelAsync(string tenant, string machineId, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await ScalarAsync<string>(Command(c, null,
                "SELECT device_model FROM machines WHERE tenant = @t AND id = @m", ("@t", tenant), ("@m", machineId)), ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<CycleRow>> GetCyclesAsync(
        string tenant, string machineId, TimeRange range, TimeCursor? after, int limit, bool newestFirst, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var sql = new StringBuilder(
                "SELECT " + CycleColumns + " FROM cycles WHERE tenant = @t AND machine_id = @m");
            var ps = new List<(string, object?)> { ("@t", tenant), ("@m", machineId), ("@limit", (long)limit) };
            AddRange(sql, ps, "start_ts", range, after, newestFirst);
            sql.Append(newestFirst ? " ORDER BY start_ts DESC, id DESC LIMIT @limit" : " ORDER BY start_ts, id LIMIT @limit");
            return await QueryAsync(Command(c, null, sql.ToString(), [.. ps]), ReadCycle, ct).ConfigureAwait(false);
        }
    }

    public async Task<CycleRow?> GetLastCycleAsync(string tenant, string machineId, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                "SELECT " + CycleColumns + " FROM cycles WHERE tenant = @t AND machine_id = @m ORDER BY start_ts DESC, id DESC LIMIT 1", ("@t", tenant), ("@m", machineId)),
                ReadCycle, ct).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    private const string CycleColumns = "id, event_id, start_ts, end_ts, duration_s, active_s, interrupted_s, program, parts, completion";

    private CycleRow ReadCycle(DbDataReader r) => ReadCycleAt(r, 0);

    /// <summary>A cycle whose <see cref="CycleColumns"/> start at column <paramref name="at"/>.</summary>
    private CycleRow ReadCycleAt(DbDataReader r, int at) =>
        new(r.GetInt64(at), r.GetString(at + 1), ReadTime(r, at + 2), ReadTime(r, at + 3), r.GetDouble(at + 4), Dbl(r, at + 5), Dbl(r, at + 6),
            Str(r, at + 7), Long(r, at + 8), Str(r, at + 9));

    /// <summary>Count, mean, median, p90 (linear interpolation between ranks), min and max of cycle durations.</summary>
    public virtual async Task<CycleSummary> GetCycleSummaryAsync(string tenant, string machineId, TimeRange range, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var sql = new StringBuilder("SELECT duration_s FROM cycles WHERE tenant = @t AND machine_id = @m");
            var ps = new List<(string, object?)> { ("@t", tenant), ("@m", machineId) };
            AddRange(sql, ps, "start_ts", range, null);
            sql.Append(" ORDER BY duration_s");
            var durations = await QueryAsync(Command(c, null, sql.ToString(), [.. ps]), r => r.GetDouble(0), ct).ConfigureAwait(false);
            return Summarize(durations);
        }
    }

    internal static CycleSummary Summarize(List<double> sorted)
    {
        if (sorted.Count == 0)
        {
            return new CycleSummary(0, null, null, null, null, null);
        }
        return new CycleSummary(sorted.Count, sorted.Average(), Percentile(sorted, 0.5), Percentile(sorted, 0.9), sorted[0], sorted[^1]);
    }

    /// <summary>The same definition as PostgreSQL's <c>percentile_cont</c>.</summary>
    internal static double Percentile(List<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }

    public async Task<IReadOnlyList<ObservationRow>> GetObservationsAsync(
        string tenant, string machineId, TimeRange range, string? dataItemId, TimeCursor? after, int limit, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var sql = new StringBuilder(
                "SELECT id, data_item_id, seq, instance_id, ts, value, name, category, type, sub_type, level, native_code, " +
                "native_severity, qualifier, condition_id FROM observations WHERE tenant = @t AND machine_id = @m");
            var ps = new List<(string, object?)> { ("@t", tenant), ("@m", machineId), ("@limit", (long)limit) };
            if (dataItemId is not null)
            {
                sql.Append(" AND data_item_id = @d");
                ps.Add(("@d", dataItemId));
            }
            AddRange(sql, ps, "ts", range, after);
            sql.Append(" ORDER BY ts, id LIMIT @limit");
            return await QueryAsync(Command(c, null, sql.ToString(), [.. ps]),
                r => new ObservationRow(r.GetInt64(0), r.GetString(1), r.GetInt64(2), Str(r, 3), ReadTime(r, 4), Str(r, 5), Str(r, 6),
                    Str(r, 7), Str(r, 8), Str(r, 9), Str(r, 10), Str(r, 11), Str(r, 12), Str(r, 13), Str(r, 14)),
                ct).ConfigureAwait(false);
        }
    }

    private static void AddRange(StringBuilder sql, List<(string, object?)> ps, string column, TimeRange range, TimeCursor? after, bool descending = false)
    {
        if (range.From is { } from)
        {
            sql.Append(" AND ").Append(column).Append(" >= @from");
            ps.Add(("@from", Normalize(from)));
        }
        if (range.To is { } to)
        {
            sql.Append(" AND ").Append(column).Append(" < @to");
            ps.Add(("@to", Normalize(to)));
        }
        if (after is { } a)
        {
            var beyond = descending ? " < " : " > ";
            sql.Append(" AND (").Append(column).Append(beyond).Append("@ct OR (").Append(column).Append(" = @ct AND id").Append(beyond).Append("@cid))");
            ps.Add(("@ct", a.Time));
            ps.Add(("@cid", a.Id));
        }
    }

    public async Task<IReadOnlyList<EdgeRow>> ListEdgesAsync(string tenant, CancellationToken ct) =>
        await ReadEdgesAsync(tenant, null, ct).ConfigureAwait(false);

    public async Task<EdgeRow?> GetEdgeAsync(string tenant, string edgeId, CancellationToken ct) =>
        (await ReadEdgesAsync(tenant, edgeId, ct).ConfigureAwait(false)).FirstOrDefault();

    private async Task<List<EdgeRow>> ReadEdgesAsync(string tenant, string? edgeId, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var filter = edgeId is null ? "" : " AND edge_id = @e";
            var streams = await QueryAsync(Command(c, null,
                "SELECT edge_id, stream_id, hwm, records_received, gaps, missed_known, last_seen FROM streams WHERE tenant = @t" + filter +
                " ORDER BY edge_id, stream_id", ("@t", tenant), ("@e", edgeId ?? "")),
                r => (Edge: r.GetString(0), Row: new StreamRow(r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), ReadTime(r, 6))),
                ct).ConfigureAwait(false);
            var refused = (await QueryAsync(Command(c, null,
                "SELECT edge_id, COUNT(*) FROM events WHERE tenant = @t AND machine_id IS NULL AND type = @type" + filter + " GROUP BY edge_id",
                ("@t", tenant), ("@type", RefusedBatchType), ("@e", edgeId ?? "")),
                r => (Edge: r.IsDBNull(0) ? "" : r.GetString(0), Count: r.GetInt64(1)), ct).ConfigureAwait(false))
                .ToDictionary(x => x.Edge, x => x.Count, StringComparer.Ordinal);
            var edgeFilter = edgeId is null ? "" : " AND id = @e";
            return await QueryAsync(Command(c, null,
                "SELECT id, name, registered_at, last_seen, status_json FROM edges WHERE tenant = @t" + edgeFilter + " ORDER BY id",
                ("@t", tenant), ("@e", edgeId ?? "")),
                r =>
                {
                    var own = streams.Where(s => string.Equals(s.Edge, r.GetString(0), StringComparison.Ordinal)).Select(s => s.Row).ToList();
                    // Ingest writes the time to the stream's row only (so that the streams of an edge never wait for one row).
                    var lastSeen = own.Select(s => (DateTimeOffset?)s.LastSeen).Append(Time(r, 3)).Max();
                    return new EdgeRow(r.GetString(0), Str(r, 1), !r.IsDBNull(2), lastSeen, Str(r, 4), own, refused.GetValueOrDefault(r.GetString(0)));
                },
                ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<EventRow>> GetEventsAsync(string tenant, long afterCursor, string? type, int limit, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var filter = type is null ? "" : " AND type = @type";
            return await QueryAsync(Command(c, null,
                SelectEvents +
                "WHERE tenant = @t AND cursor > @c" + filter + " ORDER BY cursor LIMIT @limit",
                ("@t", tenant), ("@c", afterCursor), ("@type", type ?? ""), ("@limit", (long)limit)),
                ReadEvent,
                ct).ConfigureAwait(false);
        }
    }

    /// <summary>The start of a query for <see cref="EventRow"/>s, read back by <see cref="ReadEvent"/>.</summary>
    private const string SelectEvents = "SELECT cursor, id, source, type, machine_id, edge_id, start_ts, end_ts, data FROM events ";

    private EventRow ReadEvent(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Str(r, 4), Str(r, 5), ReadTime(r, 6), Time(r, 7), Str(r, 8));
}
