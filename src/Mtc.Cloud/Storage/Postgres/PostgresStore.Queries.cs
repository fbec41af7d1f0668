using System.Data.Common;
using System.Globalization;
using System.Text;
using Mtc.Cloud.Ingest;
using Npgsql;
using NpgsqlTypes;

namespace Mtc.Cloud.Storage.Postgres;

internal sealed partial class PostgresStore
{
    /// <summary>One statement per batch: the latest row per data item, upserted from arrays.</summary>
    protected override IEnumerable<Statement> CurrentValueStatements(string tenant, IReadOnlyList<LatestValue> latest) =>
    [
        new("INSERT INTO current_values (tenant, machine_id, data_item_id, name, category, type, value, level, ts, seq) " +
            "SELECT @t, * FROM unnest(@m, @d, @n, @c, @ty, @v, @l, @ts, @seq) " + CurrentValueConflict,
            ("@t", tenant), ("@m", latest.Select(o => o.MachineId).ToArray()), ("@d", latest.Select(o => o.DataItemId).ToArray()),
            ("@n", latest.Select(o => o.Name).ToArray()), ("@c", latest.Select(o => o.Category).ToArray()),
            ("@ty", latest.Select(o => o.Type).ToArray()), ("@v", latest.Select(o => o.Value).ToArray()),
            ("@l", latest.Select(o => o.Level).ToArray()), ("@ts", latest.Select(o => o.Timestamp).ToArray()),
            ("@seq", latest.Select(o => o.Sequence).ToArray())),
    ];

    public override async Task<CycleSummary> GetCycleSummaryAsync(string tenant, string machineId, TimeRange range, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var sql = new StringBuilder(
                "SELECT count(*), avg(duration_s), percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_s), " +
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY duration_s), min(duration_s), max(duration_s) " +
                "FROM cycles WHERE tenant = @t AND machine_id = @m");
            var ps = new List<(string, object?)> { ("@t", tenant), ("@m", machineId) };
            if (range.From is { } from)
            {
                sql.Append(" AND start_ts >= @from");
                ps.Add(("@from", Normalize(from)));
            }
            if (range.To is { } to)
            {
                sql.Append(" AND start_ts < @to");
                ps.Add(("@to", Normalize(to)));
            }
            var rows = await QueryAsync(Command(c, null, sql.ToString(), [.. ps]),
                r => new CycleSummary(r.GetInt64(0), Dbl(r, 1), Dbl(r, 2), Dbl(r, 3), Dbl(r, 4), Dbl(r, 5)), ct).ConfigureAwait(false);
            return rows[0];
        }
    }

    /// <summary>Drops whole daily partitions that end at or before the cutoff; one host at a time does it.</summary>
    public override async Task<int> ApplyRetentionAsync(DateTimeOffset observationsBefore, DateTimeOffset keysBefore, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var locked = await ScalarAsync<bool>(Command(c, tx, $"SELECT pg_try_advisory_xact_lock({RetentionLockId})"), ct)
                    .ConfigureAwait(false);
                if (!locked)
                {
                    return 0;
                }
                var names = await QueryAsync(Command(c, tx,
                    "SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid " +
                    "WHERE pg_inherits.inhparent = 'observations'::regclass"), r => r.GetString(0), ct).ConfigureAwait(false);
                var cutoff = DateOnly.FromDateTime(observationsBefore.UtcDateTime);
                var dropped = 0;
                foreach (var name in names)
                {
                    if (DateOnly.TryParseExact(name["observations_p".Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                        && day.AddDays(1) <= cutoff)
                    {
                        await ExecuteAsync(Command(c, tx, $"DROP TABLE {name}"), ct).ConfigureAwait(false);
                        _partitions.TryRemove(day, out _);
                        dropped++;
                    }
                }
                await ExecuteAsync(Command(c, tx, "DELETE FROM idempotency WHERE created_at < @b", ("@b", Normalize(keysBefore))), ct)
                    .ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return dropped;
            }
        }
    }
}
