using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Mtc.Core.Wire;
using Npgsql;
using NpgsqlTypes;

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
    protected override async Task PrepareIngestAsync(DbConnection connection, IngestBatch batch, CancellationToken ct)
    {
        var days = batch.Records.OfType<ObservationRecord>()
            .Select(o => DateOnly.FromDateTime(o.Timestamp.UtcDateTime))
            .Distinct()
            .Where(d => !_partitions.ContainsKey(d))
            .ToList();
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
    public override async Task<IngestResult> IngestAsync(string tenant, IngestBatch batch, DateTimeOffset now, CancellationToken ct)
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

    protected override async Task InsertObservationsAsync(
        DbConnection c, DbTransaction tx, string tenant, IngestBatch batch, IReadOnlyList<ObservationRecord> rows, CancellationToken ct)
    {
        var importer = await ((NpgsqlConnection)c).BeginBinaryImportAsync(
            "COPY observations (tenant, machine_id, ts, data_item_id, seq, instance_id, name, category, type, sub_type, value, level, " +
            "native_code, native_severity, qualifier, condition_id, edge_id, stream_id, record_seq) FROM STDIN (FORMAT BINARY)", ct)
            .ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var o in rows)
            {
                await importer.StartRowAsync(ct).ConfigureAwait(false);
                await importer.WriteAsync(tenant, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await importer.WriteAsync(o.MachineId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await importer.WriteAsync(Normalize(o.Timestamp), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                await importer.WriteAsync(o.DataItemId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await importer.WriteAsync(o.Sequence, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                await WriteText(importer, o.InstanceId, ct).ConfigureAwait(false);
                await WriteText(importer, o.Name, ct).ConfigureAwait(false);
                await WriteText(importer, o.Category, ct).ConfigureAwait(false);
                await WriteText(importer, o.Type, ct).ConfigureAwait(false);
                await WriteText(importer, o.SubType, ct).ConfigureAwait(false);
                await WriteText(importer, o.Value, ct).ConfigureAwait(false);
                await WriteText(importer, o.Level, ct).ConfigureAwait(false);
                await WriteText(importer, o.NativeCode, ct).ConfigureAwait(false);
                await WriteText(importer, o.NativeSeverity, ct).ConfigureAwait(false);
                await WriteText(importer, o.Qualifier, ct).ConfigureAwait(false);
                await WriteText(importer, o.ConditionId, ct).ConfigureAwait(false);
                await importer.WriteAsync(batch.EdgeId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await importer.WriteAsync(batch.StreamId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await importer.WriteAsync(o.Seq, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            }
            await importer.CompleteAsync(ct).ConfigureAwait(false);
        }
    }

    private static Task WriteText(NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, NpgsqlDbType.Text, ct);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
