using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Outbox;

internal sealed partial class OutboxStore
{
    /// <summary>The source name of gaps the quota makes.</summary>
    public const string QuotaSource = "outbox";

    private const int DropChunk = 256;

    /// <summary>Bytes in pages SQLite uses (file pages minus free pages); freed pages are reused before the file grows.</summary>
    private long UsedBytes(SqliteTransaction? tx)
    {
        using var cmd = Command(tx, "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size())");
        using var r = cmd.ExecuteReader();
        r.Read();
        return r.GetInt64(0) * r.GetInt64(1);
    }

    /// <summary>
    /// Over the quota: drop the oldest samples first (then the oldest other records, never gaps) down to 90 % of it,
    /// and record each machine's drop as a gap with its count and agent sequence range. Returns the last seq when gaps were added.
    /// </summary>
    private long? EnforceQuota(SqliteTransaction tx, long now)
    {
        var used = UsedBytes(tx);
        if (used <= _maxBytes)
        {
            return null;
        }
        var target = _maxBytes / 10 * 9;
        var dropped = new Dictionary<string, DropCount>(StringComparer.Ordinal);
        long total = 0;
        while (used > target)
        {
            var n = DropOldest(tx, "is_sample = 1", dropped);
            if (n == 0)
            {
                n = DropOldest(tx, "kind <> 'gap'", dropped);
            }
            if (n == 0)
            {
                break;
            }
            total += n;
            used = UsedBytes(tx);
        }
        if (total == 0)
        {
            return null;
        }
        var gaps = dropped.Select(d => new OutboxEntry(
            "gap", d.Key.Length == 0 ? null : d.Key, null, false,
            RecordPayloads.Gap(d.Key.Length == 0 ? null : d.Key, QuotaSource, d.Value.Count, d.Value.From, d.Value.To,
                "outbox quota reached: oldest records dropped"))).ToList();
        var last = InsertRecords(tx, gaps, now);
        using var meta = Command(tx, """
            UPDATE meta SET value = CAST(value AS INTEGER) + $n WHERE key = 'dropped_records';
            UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'quota_drops';
            """);
        meta.Parameters.AddWithValue("$n", total);
        meta.ExecuteNonQuery();
        return last;
    }

    private int DropOldest(SqliteTransaction tx, string where, Dictionary<string, DropCount> dropped)
    {
        long lastSeq = -1;
        var n = 0;
        using (var sel = Command(tx, $"SELECT seq, machine_id, sequence FROM records WHERE {where} ORDER BY seq LIMIT {DropChunk}"))
        using (var r = sel.ExecuteReader())
        {
            while (r.Read())
            {
                lastSeq = r.GetInt64(0);
                var machine = r.IsDBNull(1) ? "" : r.GetString(1);
                long? sequence = r.IsDBNull(2) ? null : r.GetInt64(2);
                dropped[machine] = dropped.GetValueOrDefault(machine).Add(sequence);
                n++;
            }
        }
        if (n > 0)
        {
            using var del = Command(tx, $"DELETE FROM records WHERE seq <= $s AND {where}");
            del.Parameters.AddWithValue("$s", lastSeq);
            del.ExecuteNonQuery();
        }
        return n;
    }

    private readonly record struct DropCount(long Count, long? From, long? To)
    {
        public DropCount Add(long? sequence) => new(
            Count + 1,
            sequence is null ? From : From is null ? sequence : Math.Min(From.Value, sequence.Value),
            sequence is null ? To : To is null ? sequence : Math.Max(To.Value, sequence.Value));
    }
}
