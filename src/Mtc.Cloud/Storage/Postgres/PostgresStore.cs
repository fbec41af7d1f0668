using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Mtc.Cloud.Ingest;
using Mtc.Core.Wire;
using Npgsql;

namespace Mtc.Cloud.Storage.Postgres;

/// <summary>
/// The production backend. Observations live in daily range partitions of one table (retention drops whole
/// partitions), arrive by binary COPY, and are indexed on (tenant, machine, time). The hwm row lock
/// (<c>SELECT ... FOR UPDATE</c>) makes concurrent batches of one stream, from any number of hosts, apply once.
/// </summary>
internal sealed partial class PostgresStore : SqlCloudStore
{
    private const long MigrationLockId = 0x6D74_6301;
    private const long PartitionLockId = 0x6D74_6302;
    private const long RetentionLockId = 0x6D74_6303;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<DateOnly, bool> _partitions = new();

    public PostgresStore(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override string Backend => "postgres";

    protected override string ForUpdate => " FOR UPDATE";

    protected override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    protected override string JsonText(string column, string field) => $"({column}::jsonb ->> '{field}')";

    protected override string JsonLong(string column, string field) => $"(({column}::jsonb ->> '{field}')::bigint)";

    protected override IReadOnlyList<Migration> Migrations => PostgresMigrations.All;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken ct) =>
        await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

    protected override object TimeValue(DateTimeOffset value) => value.ToUniversalTime();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    protected override async Task PrepareMigrationAsync(DbConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(connection, tx, $"SELECT pg_advisory_xact_lock({MigrationLockId})"), ct).ConfigureAwait(false);
            await ExecuteAsync(Command(connection, tx,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, " +
                "applied_at timestamptz NOT NULL DEFAULT now())"), ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    protected override Task LockMigrationsAsync(DbConnection connection, DbTransaction tx, CancellationToken ct) =>
        ExecuteAsync(Command(connection, tx, $"SELECT pg_advisory_xact_lock({MigrationLockId})"), ct);

    /// <summary>Creates the daily partitions a batch needs, outside the ingest transaction and under an advisory lock.</summary>
    protected override async Task PrepareIngestAsync(DbConnection connection, IngestPayload batch, CancellationToken ct)
    {
        var days = batch.Observations.Days.Where(d => !_partitions.ContainsKey(d)).ToList();
        if (days.Count == 0)
        {
            return;
        }
        var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(connection, tx, $"SELECT pg_advisory_xact_lock({PartitionLockId})"), ct).ConfigureAwait(false);
            foreach (var day in days)
            {
                await ExecuteAsync(Command(connection, tx,
                    $"CREATE TABLE IF NOT EXISTS {PartitionName(day)} PARTITION OF observations " +
                    $"FOR VALUES FROM ('{Bound(day)}') TO ('{Bound(day.AddDays(1))}')"), ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        foreach (var day in days)
        {
            _partitions[day] = true;
        }
    }

    /// <summary>
    /// Another host's retention may have dropped a day this host believes exists: then the batch's transaction
    /// failed as a whole, the partitions are looked up again and the batch applied once more.
    /// </summary>
    public override async Task<IngestResult> IngestAsync(string tenant, IngestPayload batch, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            return await base.IngestAsync(tenant, batch, now, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation && e.Message.Contains("no partition", StringComparison.Ordinal))
        {
            _partitions.Clear();
            return await base.IngestAsync(tenant, batch, now, ct).ConfigureAwait(false);
        }
    }

    internal static string PartitionName(DateOnly day) => "observations_p" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Bound(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";

    /// <summary>
    /// Binary COPY of the rows after the hwm straight into the table, under a savepoint. COPY cannot skip a row the
    /// observation identity already holds: when one is there (an edge resent observations), the batch goes back to the
    /// savepoint and is copied into a temporary table, then inserted with ON CONFLICT DO NOTHING. Repeats are rare, so a
    /// batch normally costs the plain COPY and one round trip more.
    /// </summary>
    protected override async Task<int> InsertObservationsAsync(DbConnection c, DbTransaction tx, string tenant, IngestPayload batch, long hwm, CancellationToken ct)
    {
        await ExecuteAsync(Command(c, tx, "SAVEPOINT observations_copy"), ct).ConfigureAwait(false);
        try
        {
            return await CopyAsync((NpgsqlConnection)c, "observations", tenant, batch, hwm, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await ExecuteAsync(Command(c, tx, "ROLLBACK TO SAVEPOINT observations_copy"), ct).ConfigureAwait(false);
        }
        await ExecuteAsync(Command(c, tx,
            "CREATE TEMPORARY TABLE observations_incoming (LIKE observations INCLUDING DEFAULTS) ON COMMIT DROP"), ct).ConfigureAwait(false);
        await CopyAsync((NpgsqlConnection)c, "observations_incoming", tenant, batch, hwm, ct).ConfigureAwait(false);
        return await ExecuteAsync(Command(c, tx,
            "INSERT INTO observations SELECT * FROM observations_incoming ORDER BY record_seq ON CONFLICT DO NOTHING"), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Each row is the batch's three columns (encoded once) followed by the row body as <see cref="ObservationRows"/>
    /// encoded it, written in large chunks; returns the rows written.
    /// </summary>
    private static async Task<int> CopyAsync(NpgsqlConnection c, string table, string tenant, IngestPayload batch, long hwm, CancellationToken ct)
    {
        var copy = await c.BeginRawBinaryCopyAsync(
            $"COPY {table} ({ObservationRows.CopyColumns}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        var written = 0;
        await using (copy.ConfigureAwait(false))
        {
            using var writer = new CopyRowWriter(copy, tenant, batch.EdgeId, batch.StreamId);
            var rows = batch.Observations;
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].Seq > hwm)
                {
                    writer.Add(rows.Body(i));
                    written++;
                    if (writer.Full)
                    {
                        await writer.FlushAsync(ct).ConfigureAwait(false);
                    }
                }
            }
            await writer.CompleteAsync(ct).ConfigureAwait(false);
        }
        return written;
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
