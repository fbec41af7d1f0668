namespace Mtc.Cloud.Storage;

internal abstract partial class SqlCloudStore
{
    public async Task PingAsync(CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await QueryAsync(Command(c, null, "SELECT 1"), r => r.GetValue(0), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One row per edge of every tenant: its last contact (the newest of its streams' last batch) and the newest
    /// observation time among its machines' current values, in one query (current values hold one row per data item,
    /// so this does not scan the observations).
    /// </summary>
    public async Task<IReadOnlyList<EdgeActivityRow>> ListEdgeActivityAsync(CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                "SELECT s.tenant, s.edge_id, MAX(s.last_seen), " +
                "(SELECT MAX(v.ts) FROM machines m JOIN current_values v ON v.tenant = m.tenant AND v.machine_id = m.id " +
                "WHERE m.tenant = s.tenant AND m.edge_id = s.edge_id) " +
                "FROM streams s GROUP BY s.tenant, s.edge_id ORDER BY s.tenant, s.edge_id"),
                r => new EdgeActivityRow(r.GetString(0), r.GetString(1), ReadTime(r, 2), Time(r, 3)), ct).ConfigureAwait(false);
        }
    }
}
