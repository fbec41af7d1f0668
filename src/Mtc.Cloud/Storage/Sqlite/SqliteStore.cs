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

    protected override async Task<int> InsertObservationsAsync(
        DbConnection c, DbTransaction tx, string tenant, IngestPayload batch, long hwm, CancellationToken ct)
    {
        var command = Command(c, tx,
            "INSERT INTO observations (tenant, machine_id, ts, data_item_id, seq, instance_id, name, category, type, sub_type, value, level, " +
            "native_code, native_severity, qualifier, condition_id, edge_id, stream_id, record_seq) VALUES " +
            "(@t, @m, @ts, @d, @seq, @i, @n, @c, @ty, @st, @v, @l, @nc, @ns, @q, @cid, @e, @s, @rs) ON CONFLICT DO NOTHING",
            ("@t", tenant), ("@m", ""), ("@ts", 0L), ("@d", ""), ("@seq", 0L), ("@i", null), ("@n", null), ("@c", null), ("@ty", null),
            ("@st", null), ("@v", null), ("@l", null), ("@nc", null), ("@ns", null), ("@q", null), ("@cid", null),
            ("@e", batch.EdgeId), ("@s", batch.StreamId), ("@rs", 0L));
        await using (command.ConfigureAwait(false))
        {
            var stored = 0;
            var p = command.Parameters;
            for (var i = 0; i < batch.Observations.Count; i++)
            {
                if (batch.Observations[i].Seq <= hwm)
                {
                    continue;
                }
                var o = batch.Observations.ToRecord(i);
                p["@m"].Value = o.MachineId;
                p["@ts"].Value = TimeValue(Normalize(o.Timestamp));
                p["@d"].Value = o.DataItemId;
                p["@seq"].Value = o.Sequence;
                p["@i"].Value = (object?)o.InstanceId ?? DBNull.Value;
                p["@n"].Value = (object?)o.Name ?? DBNull.Value;
                p["@c"].Value = (object?)o.Category ?? DBNull.Value;
                p["@ty"].Value = (object?)o.Type ?? DBNull.Value;
                p["@st"].Value = (object?)o.SubType ?? DBNull.Value;
                p["@v"].Value = (object?)o.Value ?? DBNull.Value;
                p["@l"].Value = (object?)o.Level ?? DBNull.Value;
                p["@nc"].Value = (object?)o.NativeCode ?? DBNull.Value;
                p["@ns"].Value = (object?)o.NativeSeverity ?? DBNull.Value;
                p["@q"].Value = (object?)o.Qualifier ?? DBNull.Value;
                p["@cid"].Value = (object?)o.ConditionId ?? DBNull.Value;
                p["@rs"].Value = o.Seq;
                stored += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return stored;
        }
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
