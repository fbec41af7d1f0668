using System.Data.Common;
using Microsoft.Data.Sqlite;
using Mtc.Cloud.Ingest;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Storage.Sqlite;

/// <summary>
/// The embedded backend: one SQLite file in WAL mode. Writers are serialized in the process (SQLite has one
/// writer at a time anyway), so a batch's hwm read and update cannot interleave with another's.
/// </summary>
internal sealed class SqliteStore : SqlCloudStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteStore(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The SQLite store needs a file path: an in-memory database would lose every acknowledged batch.", nameof(path));
        }
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        FilePath = full;
    }

    public string FilePath { get; }

    public override string Backend => "sqlite";

    protected override string ForUpdate => "";

    protected override string JsonText(string column, string field) => $"json_extract({column}, '$.{field}')";

    protected override string JsonLong(string column, string field) => $"CAST(json_extract({column}, '$.{field}') AS INTEGER)";

    protected override IReadOnlyList<Migration> Migrations => SqliteMigrations.All;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct)
    {
        await _writer.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var tx = ((SqliteConnection)connection).BeginTransaction(deferred: false);
            return new ReleasingTransaction(tx, _writer);
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    /// <summary>Microseconds since the Unix epoch: sorts and compares as a number.</summary>
    protected override object TimeValue(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (reader.GetInt64(ordinal) * 10), TimeSpan.Zero);

    protected override async Task PrepareMigrationAsync(DbConnection connection, CancellationToken ct)
    {
        await ExecuteAsync(Command(connection, null,
            "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, " +
            "applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One prepared statement for the batch, executed per row with its parameters held (no lookup by name) and each row's
    /// texts read in one pass; SQLite runs in process, so the calls are synchronous (the async ones only wrap them).
    /// </summary>
    protected override Task<int> InsertObservationsAsync(
        DbConnection c, DbTransaction tx, string tenant, IngestPayload batch, long hwm, CancellationToken ct)
    {
        using var command = (SqliteCommand)Command(c, tx,
            "INSERT INTO observations (tenant, machine_id, ts, data_item_id, seq, record_seq, edge_id, stream_id, instance_id, name, category, type, " +
            "sub_type, value, level, native_code, native_severity, qualifier, condition_id) VALUES " +
            "(@t, @m, @ts, @d, @seq, @rs, @e, @s, @i, @n, @c, @ty, @st, @v, @l, @nc, @ns, @q, @cid) ON CONFLICT DO NOTHING",
            ("@t", tenant), ("@m", ""), ("@ts", 0L), ("@d", ""), ("@seq", 0L), ("@rs", 0L), ("@e", batch.EdgeId), ("@s", batch.StreamId),
            ("@i", null), ("@n", null), ("@c", null), ("@ty", null), ("@st", null), ("@v", null), ("@l", null), ("@nc", null), ("@ns", null),
            ("@q", null), ("@cid", null));
        var p = command.Parameters;
        SqliteParameter machine = p[1], ts = p[2], item = p[3], sequence = p[4], recordSeq = p[5];
        const int firstText = 8;
        command.Prepare();
        var rows = batch.Observations;
        var texts = new string?[ObservationRows.TextFields];
        var stored = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Seq <= hwm)
            {
                continue;
            }
            ct.ThrowIfCancellationRequested();
            machine.Value = rows.MachineOf(i);
            ts.Value = TimeValue(Normalize(row.Timestamp));
            item.Value = rows.DataItemOf(i);
            sequence.Value = row.Sequence;
            recordSeq.Value = row.Seq;
            rows.ReadTexts(i, texts);
            for (var f = 0; f < texts.Length; f++)
            {
                p[firstText + f].Value = (object?)texts[f] ?? DBNull.Value;
            }
            stored += command.ExecuteNonQuery();
        }
        return Task.FromResult(stored);
    }

    public override async Task<int> ApplyRetentionAsync(DateTimeOffset observationsBefore, DateTimeOffset keysBefore, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var n = await ExecuteAsync(Command(c, tx, "DELETE FROM observations WHERE ts < @b", ("@b", Normalize(observationsBefore))), ct)
                    .ConfigureAwait(false);
                await ExecuteAsync(Command(c, tx, "DELETE FROM idempotency WHERE created_at < @b", ("@b", Normalize(keysBefore))), ct)
                    .ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return n;
            }
        }
    }

    public override ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
