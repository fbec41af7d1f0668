namespace Mtc.Cloud.Storage;

/// <summary>The summary quarters (see <see cref="ICloudStore.GetSummaryQuartersAsync"/>).</summary>
internal abstract partial class SqlCloudStore
{
    /// <summary>Rows per insert statement (five parameters each).</summary>
    private const int QuartersPerStatement = 250;

    public async Task<SummaryQuartersRead> GetSummaryQuartersAsync(
        string tenant, IReadOnlyList<string> machineIds, DateTimeOffset from, DateTimeOffset to, CancellationToken ct,
        (DateTimeOffset From, DateTimeOffset To)? hours = null)
    {
        if (machineIds.Count == 0)
        {
            return new SummaryQuartersRead(new Dictionary<string, long>(), []);
        }
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var generations = await GenerationsAsync(c, null, tenant, machineIds, "", ct).ConfigureAwait(false);
            var missing = machineIds.Where(m => !generations.ContainsKey(m)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                // A machine's first generation row is written here, not by its first change, so that a reader always has a row
                // to hold while it stores (a change running at the same time waits for it, or the reader sees the change).
                await CreateGenerationsAsync(c, tenant, missing, ct).ConfigureAwait(false);
                generations = await GenerationsAsync(c, null, tenant, machineIds, "", ct).ConfigureAwait(false);
            }
            var (machines, ids) = InList("@m", machineIds);
            var (hoursFrom, hoursTo) = hours ?? (to, to);
            var quarters = await QueryAsync(Command(c, null,
                "SELECT machine_id, start_ts, minutes, tally FROM summary_quarters WHERE tenant = @t AND machine_id IN (" + machines + ") " +
                "AND start_ts >= @from AND start_ts < @to AND (minutes = 60 OR start_ts < @hf OR start_ts >= @ht)",
                [("@t", tenant), ("@from", Normalize(from)), ("@to", Normalize(to)), ("@hf", Normalize(hoursFrom)), ("@ht", Normalize(hoursTo)), .. ids]),
                r => (r.GetString(0), ReadTime(r, 1), (int)r.GetInt64(2), r.GetString(3)), ct).ConfigureAwait(false);
            return new SummaryQuartersRead(generations, quarters);
        }
    }

    public async Task<int> PutSummaryQuartersAsync(string tenant, IReadOnlyList<SummaryQuartersWrite> machines, CancellationToken ct)
    {
        var writes = machines.Where(m => m.Quarters.Count > 0).ToList();
        if (writes.Count == 0)
        {
            return 0;
        }
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                // Held until commit: a change to one of these machines waits, and then removes what is stored here.
                var now = await GenerationsAsync(c, tx, tenant, writes.Select(w => w.MachineId).ToList(), ForUpdate, ct).ConfigureAwait(false);
                var rows = writes.Where(w => now.TryGetValue(w.MachineId, out var g) && g == w.Generation)
                    .SelectMany(w => w.Quarters.Select(q => (w.MachineId, q.Start, q.Minutes, q.Tally))).ToList();
                var statements = rows.Chunk(QuartersPerStatement).Select(chunk =>
                {
                    var ps = new List<(string, object?)> { ("@t", tenant) };
                    var values = chunk.Select((q, i) =>
                    {
                        var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        ps.Add(("@m" + n, q.MachineId));
                        ps.Add(("@s" + n, Normalize(q.Start)));
                        ps.Add(("@n" + n, (long)q.Minutes));
                        ps.Add(("@q" + n, q.Tally));
                        return $"(@t, @m{n}, @s{n}, @n{n}, @q{n})";
                    });
                    return new Statement(
                        "INSERT INTO summary_quarters (tenant, machine_id, start_ts, minutes, tally) VALUES " + string.Join(", ", values) +
                        " ON CONFLICT (tenant, machine_id, start_ts, minutes) DO UPDATE SET tally = excluded.tally", [.. ps]);
                }).ToList();
                if (statements.Count > 0)
                {
                    await ExecuteBatchAsync(c, tx, statements, ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return rows.Count;
            }
        }
    }

    private async Task<Dictionary<string, long>> GenerationsAsync(
        System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string tenant, IReadOnlyList<string> machineIds,
        string lockRows, CancellationToken ct)
    {
        var (machines, ids) = InList("@m", machineIds);
        var rows = await QueryAsync(Command(c, tx,
            "SELECT machine_id, gen FROM summary_generations WHERE tenant = @t AND machine_id IN (" + machines + ")" + lockRows,
            [("@t", tenant), .. ids]), r => (r.GetString(0), r.GetInt64(1)), ct).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
    }

    private async Task CreateGenerationsAsync(System.Data.Common.DbConnection c, string tenant, IReadOnlyList<string> machineIds, CancellationToken ct)
    {
        var (_, ids) = InList("@m", machineIds);
        var rows = string.Join(", ", ids.Select(p => $"(@t, {p.Name}, 0)"));
        var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(c, tx,
                "INSERT INTO summary_generations (tenant, machine_id, gen) VALUES " + rows + " ON CONFLICT (tenant, machine_id) DO NOTHING",
                [("@t", tenant), .. ids]), ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
    }
}
