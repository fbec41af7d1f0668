using System.Data.Common;
using System.Globalization;

namespace Mtc.Cloud.Storage;

/// <summary>
/// The reads the alert rules evaluate: one set-based query per tenant over what ingest stored (edges and streams, the
/// latest derived events per machine, cycles, gaps), never a query per machine.
/// </summary>
internal abstract partial class SqlCloudStore
{
    /// <summary>SQL for the text of a top-level field of a JSON text column (null when absent).</summary>
    protected abstract string JsonText(string column, string field);

    /// <summary>SQL for a top-level integer field of a JSON text column as a 64-bit integer (null when absent).</summary>
    protected abstract string JsonLong(string column, string field);

    /// <summary>
    /// The latest (highest cursor) event of a type per machine as <c>events e</c>: grouped once, then joined by primary key,
    /// so the cost is one pass over the tenant's events of that type whatever plan statistics suggest.
    /// </summary>
    private static string LatestOfType(string type) =>
        $"(SELECT machine_id, max(cursor) AS last FROM events WHERE tenant = @t AND type = '{type}' AND machine_id IS NOT NULL " +
        "GROUP BY machine_id) l JOIN events e ON e.tenant = @t AND e.cursor = l.last";

    public async Task<IReadOnlyList<EdgeContactRow>> GetEdgeContactsAsync(string tenant, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                "SELECT e.id, e.last_seen, s.last, v.newest FROM edges e " +
                "LEFT JOIN (SELECT edge_id, max(last_seen) AS last FROM streams WHERE tenant = @t GROUP BY edge_id) s ON s.edge_id = e.id " +
                "LEFT JOIN (SELECT m.edge_id, max(v.ts) AS newest FROM current_values v JOIN machines m ON m.tenant = v.tenant AND m.id = v.machine_id " +
                "WHERE v.tenant = @t GROUP BY m.edge_id) v ON v.edge_id = e.id WHERE e.tenant = @t ORDER BY e.id", ("@t", tenant)),
                r => (Id: r.GetString(0), Edge: Time(r, 1), Streams: Time(r, 2), Newest: Time(r, 3)), ct).ConfigureAwait(false);
            return rows.Where(r => r.Edge is not null || r.Streams is not null)
                .Select(r => new EdgeContactRow(r.Id, Later(r.Edge, r.Streams)!.Value, r.Newest)).ToList();
        }
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    public async Task<IReadOnlyList<MachineStatusRow>> GetMachineStatusesAsync(string tenant, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                $"SELECT e.machine_id, m.edge_id, {JsonText("e.data", "status")}, e.start_ts, p.last_part " +
                "FROM " + LatestOfType("status") + " LEFT JOIN machines m ON m.tenant = e.tenant AND m.id = e.machine_id " +
                "LEFT JOIN (SELECT machine_id, max(start_ts) AS last_part FROM events WHERE tenant = @t AND type = 'part' GROUP BY machine_id) p " +
                "ON p.machine_id = e.machine_id ORDER BY e.machine_id", ("@t", tenant)),
                r => (Machine: r.GetString(0), Edge: Str(r, 1), Status: Str(r, 2), Since: ReadTime(r, 3), Part: Time(r, 4)), ct).ConfigureAwait(false);
            return rows.Where(r => r.Status is not null).Select(r => new MachineStatusRow(r.Machine, r.Edge, r.Status!, r.Since, r.Part)).ToList();
        }
    }

    public async Task<IReadOnlyList<OpenAlarmRow>> GetOpenFaultsAsync(string tenant, DateTimeOffset startedBefore, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                $"SELECT e.machine_id, m.edge_id, e.id, e.start_ts, {JsonText("e.data", "nativeCode")}, {JsonText("e.data", "message")}, " +
                $"{JsonText("e.data", "dataItemId")}, {JsonText("e.data", "level")} FROM events e " +
                "LEFT JOIN machines m ON m.tenant = e.tenant AND m.id = e.machine_id " +
                "WHERE e.tenant = @t AND e.type = 'alarm' AND e.source = 'edge' AND e.end_ts IS NULL AND e.machine_id IS NOT NULL " +
                $"AND {JsonText("e.data", "level")} = 'FAULT' AND e.start_ts <= @before ORDER BY e.machine_id, e.id",
                ("@t", tenant), ("@before", Normalize(startedBefore))),
                r => new OpenAlarmRow(r.GetString(0), Str(r, 1), r.GetString(2), ReadTime(r, 3), Str(r, 4), Str(r, 5), Str(r, 6), Str(r, 7)),
                ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<GapSummaryRow>> GetRecentGapsAsync(string tenant, DateTimeOffset after, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                $"SELECT machine_id, edge_id, count(*), CAST(sum(coalesce({JsonLong("data", "missed")}, 0)) AS bigint), min(start_ts), max(start_ts) " +
                "FROM events WHERE tenant = @t AND type = 'gap' AND start_ts > @after GROUP BY machine_id, edge_id ORDER BY machine_id, edge_id",
                ("@t", tenant), ("@after", Normalize(after))),
                r => new GapSummaryRow(Str(r, 0), Str(r, 1), Int64(r, 2), Int64(r, 3), ReadTime(r, 4), ReadTime(r, 5)), ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<LatestCycleRow>> GetLatestCyclesAsync(string tenant, int minCycles, int window, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            // The median of the latest `window` ended cycles: the middle one, or the mean of the middle two.
            return await QueryAsync(Command(c, null,
                "WITH recent AS (SELECT machine_id, duration_s, row_number() OVER (PARTITION BY machine_id ORDER BY start_ts DESC, id DESC) AS rn " +
                "FROM cycles WHERE tenant = @t), " +
                "ranked AS (SELECT machine_id, duration_s, row_number() OVER (PARTITION BY machine_id ORDER BY duration_s) AS k, " +
                "count(*) OVER (PARTITION BY machine_id) AS n FROM recent WHERE rn <= @window), " +
                "med AS (SELECT machine_id, avg(duration_s) AS median, max(n) AS n FROM ranked WHERE k = (n + 1) / 2 OR k = (n + 2) / 2 " +
                "GROUP BY machine_id HAVING max(n) >= @min) " +
                "SELECT e.machine_id, m.edge_id, e.id, e.start_ts, e.end_ts, e.data, med.median, med.n FROM " + LatestOfType("cycle") + " " +
                "JOIN med ON med.machine_id = e.machine_id LEFT JOIN machines m ON m.tenant = e.tenant AND m.id = e.machine_id ORDER BY e.machine_id",
                ("@t", tenant), ("@window", (long)window), ("@min", (long)minCycles)),
                r => new LatestCycleRow(r.GetString(0), Str(r, 1), r.GetString(2), ReadTime(r, 3), Time(r, 4), Str(r, 5),
                    Convert.ToDouble(r.GetValue(6), CultureInfo.InvariantCulture), Int64(r, 7)), ct).ConfigureAwait(false);
        }
    }

    private static long Int64(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
}
