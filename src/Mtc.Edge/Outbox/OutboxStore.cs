using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Outbox;

/// <summary>
/// The durability boundary: one SQLite database (WAL) with the records the cloud must get, each collector's cursor and
/// the batches the cloud refused. A collector's records and its cursor are written in one transaction, so after a crash
/// the cursor and the records always agree. One connection, used under a lock: SQLite has one writer anyway.
/// </summary>
internal sealed partial class OutboxStore : IDisposable
{
    public const string FileName = "outbox.db";

    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly QuotaBudget _budget;
    private readonly string _walPath;
    private long _lastSeq;
    private long _sentThrough;
    private string _streamId;
    private long _pinnedThrough;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OutboxStore(SqliteConnection db, QuotaBudget budget, TimeProvider time, string streamId)
    {
        _db = db;
        _budget = budget;
        _walPath = db.DataSource + "-wal";
        _time = time;
        _streamId = streamId;
        _sentThrough = ScalarLong("SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sent_through'), 0)");
        _lastSeq = ScalarLong("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0)");
    }

    /// <summary>
    /// The random id this outbox was created with (or last given by <see cref="RotateStream"/>); the cloud keeps its
    /// high-water mark per stream.
    /// </summary>
    public string StreamId
    {
        get { lock (_gate) { return _streamId; } }
    }

    public string Path => _db.DataSource;

    /// <summary>
    /// Completes when records are appended after it was read: the uplink reads it before a batch, so an append that comes
    /// after the batch was read wakes it at once, with no polling.
    /// </summary>
    public Task Appended
    {
        get { lock (_gate) { return _appended.Task; } }
    }

    /// <summary>The highest seq ever assigned (0 when none).</summary>
    public long LastSeq
    {
        get { lock (_gate) { return _lastSeq; } }
    }

    /// <summary>Opens (or creates) the outbox in <paramref name="directory"/>.</summary>
    public static OutboxStore Open(string directory, long maxBytes, string synchronous = "FULL", TimeProvider? time = null)
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, FileName);
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        var db = new SqliteConnection(cs);
        db.Open();
        try
        {
            // WAL: readers never block the writer. synchronous FULL syncs the WAL at every commit (survives power loss);
            // NORMAL syncs only at checkpoints (survives a process crash, a power cut may lose the last commits).
            var sync = synchronous.ToUpperInvariant() switch { "NORMAL" => "NORMAL", "EXTRA" => "EXTRA", _ => "FULL" };
            Execute(db, $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;");
            // The quota covers the WAL too: checkpoint it at its share of the quota and cut it back to that size.
            var budget = QuotaBudget.For(maxBytes);
            var pageSize = Convert.ToInt64(Scalar(db, "PRAGMA page_size"), CultureInfo.InvariantCulture);
            Execute(db, string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA wal_autocheckpoint = {Math.Max(1, budget.WalBytes / pageSize)}; PRAGMA journal_size_limit = {budget.WalBytes};"));
            OutboxSchema.Apply(db);
            var streamId = (string)Scalar(db, "SELECT value FROM meta WHERE key = 'stream_id'")!;
            return new OutboxStore(db, budget, time ?? TimeProvider.System, streamId);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stores <paramref name="entries"/> and, in the same transaction, <paramref name="source"/>'s cursor. Returns the seq of
    /// the last stored record (or the current last seq when there were none). Enforces the quota afterwards, in the same
    /// transaction.
    /// </summary>
    public long Append(string? source, SourceCursor? cursor, IReadOnlyList<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            // Make room first, so the new rows reuse freed pages instead of growing the file; check again after.
            var incoming = entries.Sum(e => (long)e.Payload.Length + RowOverhead);
            if (incoming > _budget.MaxWriteBytes)
            {
                entries = RefuseWrite(tx, entries, incoming);
                incoming = entries.Sum(e => (long)e.Payload.Length + RowOverhead);
            }
            var dropped = entries.Count > 0 ? EnforceQuota(tx, now, incoming) : null;
            var last = Math.Max(InsertRecords(tx, entries, now), dropped ?? 0);
            if (source is not null && cursor is not null)
            {
                using var cmd = Command(tx, """
                    INSERT INTO cursors (source, instance_id, next_sequence, analytics_state, updated_ms)
                    VALUES ($s, $i, $n, $a, $t)
                    ON CONFLICT (source) DO UPDATE SET instance_id = $i, next_sequence = $n, analytics_state = $a, updated_ms = $t
                    """);
                cmd.Parameters.AddWithValue("$s", source);
                cmd.Parameters.AddWithValue("$i", (object?)cursor.InstanceId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$n", cursor.NextSequence);
                cmd.Parameters.AddWithValue("$a", (object?)cursor.AnalyticsState ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$t", now);
                cmd.ExecuteNonQuery();
                if (cursor.Machines is { } machines)
                {
                    WriteMachineStates(tx, source, machines);
                }
            }
            if (entries.Count > 0)
            {
                last = EnforceQuota(tx, now, 0) ?? last;
            }
            tx.Commit();
            TrimWal();
            if (last > _lastSeq)
            {
                _lastSeq = last;
                var appended = _appended;
                _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                appended.SetResult();
            }
            return _lastSeq;
        }
    }

    /// <summary>The source's cursor; its analytics state is the blob stored with it, or its per-machine states as one blob.</summary>
    public SourceCursor? GetCursor(string source)
    {
        lock (_gate)
        {
            SourceCursor cursor;
            using (var cmd = Command(null, "SELECT instance_id, next_sequence, analytics_state FROM cursors WHERE source = $s"))
            {
                cmd.Parameters.AddWithValue("$s", source);
                using var r = cmd.ExecuteReader();
                if (!r.Read())
                {
                    return null;
                }
                cursor = new SourceCursor(r.IsDBNull(0) ? null : r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : (byte[])r.GetValue(2));
            }
            return ReadMachineStates(source) is { } states ? cursor with { AnalyticsState = states } : cursor;
        }
    }

    /// <summary>
    /// The oldest records, contiguous in storage order, at most <paramref name="maxRecords"/> and about <paramref name="maxBytes"/>
    /// (always at least one). With <paramref name="pin"/>, the quota drops none of them until <see cref="Unpin"/>: a batch
    /// being sent may be stored by the cloud, and a record both delivered and reported dropped would break the gap counts.
    /// With <paramref name="afterSeq"/>, the oldest records after it (the batch after one still in flight); a pin then
    /// covers both batches.
    /// </summary>
    public IReadOnlyList<OutboxRecord> ReadBatch(int maxRecords, int maxBytes, bool pin = false, long afterSeq = 0)
    {
        lock (_gate)
        {
            using var cmd = Command(null, "SELECT seq, kind, payload FROM records WHERE seq > $a ORDER BY seq LIMIT $n");
            cmd.Parameters.AddWithValue("$a", afterSeq);
            cmd.Parameters.AddWithValue("$n", maxRecords);
            using var r = cmd.ExecuteReader();
            var list = new List<OutboxRecord>();
            long bytes = 0;
            while (r.Read())
            {
                var payload = (byte[])r.GetValue(2);
                if (list.Count > 0 && bytes + payload.Length + 16 > maxBytes)
                {
                    break;
                }
                bytes += payload.Length + 16;
                list.Add(new OutboxRecord(r.GetInt64(0), r.GetString(1), payload));
            }
            if (pin && list.Count > 0)
            {
                _pinnedThrough = Math.Max(afterSeq > 0 ? _pinnedThrough : 0, list[^1].Seq);
            }
            return list;
        }
    }

    /// <summary>Deletes every record the cloud acknowledged (seq at or below its high-water mark); returns how many.</summary>
    public int DeleteThrough(long hwm)
    {
        lock (_gate)
        {
            using var cmd = Command(null, "DELETE FROM records WHERE seq <= $h");
            cmd.Parameters.AddWithValue("$h", hwm);
            var n = cmd.ExecuteNonQuery();
            TrimWal();
            return n;
        }
    }

    /// <summary>Moves a batch the cloud refused into the quarantine table (kept, never deleted) and out of the queue.</summary>
    public void Quarantine(long fromSeq, long toSeq, int records, int statusCode, string reason, byte[] batch)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using (var ins = Command(tx, """
                INSERT INTO quarantine (from_seq, to_seq, records, status_code, reason, batch, created_ms)
                VALUES ($f, $t, $n, $c, $r, $b, $m)
                """))
            {
                ins.Parameters.AddWithValue("$f", fromSeq);
                ins.Parameters.AddWithValue("$t", toSeq);
                ins.Parameters.AddWithValue("$n", records);
                ins.Parameters.AddWithValue("$c", statusCode);
                ins.Parameters.AddWithValue("$r", reason);
                ins.Parameters.AddWithValue("$b", batch);
                ins.Parameters.AddWithValue("$m", _time.GetUtcNow().ToUnixTimeMilliseconds());
                ins.ExecuteNonQuery();
            }
            using (var del = Command(tx, "DELETE FROM records WHERE seq BETWEEN $f AND $t"))
            {
                del.Parameters.AddWithValue("$f", fromSeq);
                del.Parameters.AddWithValue("$t", toSeq);
                del.ExecuteNonQuery();
            }
            tx.Commit();
            TrimWal();
        }
    }

    public OutboxStats GetStats()
    {
        lock (_gate)
        {
            using var cmd = Command(null, """
                SELECT (SELECT COUNT(*) FROM records), (SELECT COALESCE(SUM(length(payload)), 0) FROM records),
                       (SELECT MIN(seq) FROM records), (SELECT created_ms FROM records ORDER BY seq LIMIT 1),
                       (SELECT COALESCE(SUM(records), 0) FROM quarantine), (SELECT COUNT(*) FROM quarantine),
                       (SELECT value FROM meta WHERE key = 'dropped_records'), (SELECT value FROM meta WHERE key = 'quota_drops')
                """);
            using var r = cmd.ExecuteReader();
            r.Read();
            return new OutboxStats(
                r.GetInt64(0), r.GetInt64(1), UsedBytes(null), FileBytes(),
                r.IsDBNull(2) ? null : r.GetInt64(2),
                _lastSeq,
                r.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
                r.GetInt64(4), r.GetInt64(5),
                long.Parse(r.GetString(6), CultureInfo.InvariantCulture), long.Parse(r.GetString(7), CultureInfo.InvariantCulture));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _db.Dispose();
        }
    }

    private long InsertRecords(SqliteTransaction tx, IReadOnlyList<OutboxEntry> entries, long now)
    {
        if (entries.Count == 0)
        {
            return _lastSeq;
        }
        using var cmd = Command(tx, """
            INSERT INTO records (kind, machine_id, sequence, is_sample, created_ms, payload)
            VALUES ($k, $m, $s, $i, $t, $p)
            """);
        var k = cmd.Parameters.Add("$k", SqliteType.Text);
        var m = cmd.Parameters.Add("$m", SqliteType.Text);
        var s = cmd.Parameters.Add("$s", SqliteType.Integer);
        var i = cmd.Parameters.Add("$i", SqliteType.Integer);
        cmd.Parameters.AddWithValue("$t", now);
        var p = cmd.Parameters.Add("$p", SqliteType.Blob);
        cmd.Prepare();
        foreach (var e in entries)
        {
            k.Value = e.Kind;
            m.Value = (object?)e.MachineId ?? DBNull.Value;
            s.Value = (object?)e.Sequence ?? DBNull.Value;
            i.Value = e.IsSample ? 1 : 0;
            p.Value = e.Payload;
            cmd.ExecuteNonQuery();
        }
        using var last = Command(tx, "SELECT last_insert_rowid()");
        return (long)last.ExecuteScalar()!;
    }

    private SqliteCommand Command(SqliteTransaction? tx, string sql)
    {
        var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private long ScalarLong(string sql) => Convert.ToInt64(Scalar(_db, sql), CultureInfo.InvariantCulture);

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
