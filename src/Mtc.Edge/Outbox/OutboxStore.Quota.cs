using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Outbox;

internal sealed partial class OutboxStore
{
    /// <summary>The source name of gaps the quota makes.</summary>
    public const string QuotaSource = "outbox";

    private const int DropChunk = 256;

    /// <summary>About what a record costs on top of its payload: row header, kind, machine id, integers, sample index entry.</summary>
    private const int RowOverhead = 64;

    /// <summary>Ends the pin of <see cref="ReadBatch"/>: the quota may drop any sample again.</summary>
    public void Unpin()
    {
        lock (_gate)
        {
            _pinnedThrough = 0;
        }
    }

    /// <summary>What the outbox occupies on disk: the database file, its write-ahead log and the log's shared-memory index.</summary>
    public long FileBytes()
    {
        long total = 0;
        foreach (var suffix in (ReadOnlySpan<string>)["", "-wal", "-shm"])
        {
            var f = new FileInfo(_db.DataSource + suffix);
            total += f.Exists ? f.Length : 0;
        }
        return total;
    }

    /// <summary>
    /// After a commit: when the WAL has grown past its share of the quota (one large write, or a checkpoint that could not
    /// finish), copy it into the database and truncate it.
    /// </summary>
    private void TrimWal()
    {
        var wal = new FileInfo(_walPath);
        if (wal.Exists && wal.Length > _budget.WalBytes)
        {
            using var cmd = Command(null, "PRAGMA wal_checkpoint(TRUNCATE)");
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Bytes in pages SQLite uses (file pages minus free pages); freed pages are reused before the file grows.</summary>
    private long UsedBytes(SqliteTransaction? tx)
    {
        using var cmd = Command(tx, "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size())");
        using var r = cmd.ExecuteReader();
        r.Read();
        return r.GetInt64(0) * r.GetInt64(1);
    }

    /// <summary>
    /// When the pages in use plus <paramref name="incoming"/> bytes exceed the records' share of the quota: drop the oldest
    /// samples first (then the oldest other records, never gaps) until they fit in 90 % of it, and record each machine's
    /// drop as a gap with its count and agent sequence range. Returns the last seq when gaps were added.
    /// </summary>
    private long? EnforceQuota(SqliteTransaction tx, long now, long incoming)
    {
        var used = UsedBytes(tx) + incoming;
        if (used <= _budget.RecordBytes)
        {
            return null;
        }
        var target = _budget.RecordBytes / 10 * 9;
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
            used = UsedBytes(tx) + incoming;
        }
        if (total == 0)
        {
            return null;
        }
        var last = InsertRecords(tx, QuotaGaps(dropped, "outbox quota reached: oldest records dropped"), now);
        CountDrop(tx, total);
        return last;
    }

    /// <summary>
    /// A write larger than one write may take (<see cref="QuotaBudget.MaxWriteBytes"/>) would push the files past the quota
    /// however much were dropped first: its records are not stored, and what it held becomes a gap per machine (its own
    /// gap records are kept). Returns what is written instead.
    /// </summary>
    private List<OutboxEntry> RefuseWrite(SqliteTransaction tx, IReadOnlyList<OutboxEntry> entries, long bytes)
    {
        var dropped = new Dictionary<string, DropCount>(StringComparer.Ordinal);
        var kept = new List<OutboxEntry>();
        foreach (var e in entries)
        {
            if (e.Kind == "gap" && e.Payload.Length <= 64 * 1024)
            {
                kept.Add(e);
                continue;
            }
            var machine = e.MachineId ?? "";
            dropped[machine] = dropped.GetValueOrDefault(machine).Add(e.Sequence);
        }
        var total = entries.Count - kept.Count;
        kept.AddRange(QuotaGaps(dropped, string.Create(CultureInfo.InvariantCulture,
            $"outbox quota: one write of {bytes} bytes is over the {_budget.MaxWriteBytes} bytes one write may take; its records were not stored")));
        CountDrop(tx, total);
        return kept;
    }

    private static List<OutboxEntry> QuotaGaps(Dictionary<string, DropCount> dropped, string reason) =>
        [.. dropped.Select(d => new OutboxEntry(
            "gap", d.Key.Length == 0 ? null : d.Key, null, false,
            RecordPayloads.Gap(d.Key.Length == 0 ? null : d.Key, QuotaSource, d.Value.Count, d.Value.From, d.Value.To, reason)))];

    private void CountDrop(SqliteTransaction tx, long records)
    {
        using var meta = Command(tx, """
            UPDATE meta SET value = CAST(value AS INTEGER) + $n WHERE key = 'dropped_records';
            UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'quota_drops';
            """);
        meta.Parameters.AddWithValue("$n", records);
        meta.ExecuteNonQuery();
    }

    private int DropOldest(SqliteTransaction tx, string where, Dictionary<string, DropCount> dropped)
    {
        long lastSeq = -1;
        var n = 0;
        // Records of the batch in flight are never dropped: the cloud may be storing them right now.
        where = string.Create(CultureInfo.InvariantCulture, $"seq > {_pinnedThrough} AND {where}");
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

/// <summary>
/// How <c>Outbox.MaxBytes</c> is shared on disk. It bounds the three files together (outbox.db, outbox.db-wal,
/// outbox.db-shm): the WAL is checkpointed and truncated at a sixteenth of it (64 KiB to 4 MiB), three eighths (128 KiB
/// to 16 MiB) are kept free for the WAL's index and one write's pages before the WAL is truncated again, and the database
/// pages in use (records, cursors, quarantine) get the rest. One write may take at most the reserve less the WAL index's
/// first 32 KiB: its pages go to the WAL before they are checkpointed, on top of a database at most its records' share
/// and a WAL at most its own share, so a larger write could not stay within the quota and is refused.
/// </summary>
internal readonly record struct QuotaBudget(long MaxBytes, long WalBytes, long ReserveBytes)
{
    public long RecordBytes => MaxBytes - WalBytes - ReserveBytes;

    public long MaxWriteBytes => ReserveBytes - 32 * 1024;

    public static QuotaBudget For(long maxBytes) => new(
        maxBytes,
        Math.Clamp(maxBytes / 16, 64 * 1024, 4L << 20),
        Math.Clamp(maxBytes / 8 * 3, 128 * 1024, 16L << 20));
}
