using System.Data.Common;

namespace Mtc.Cloud.Storage;

/// <summary>
/// The part of the store both backends share: the SQL is the same in SQLite and PostgreSQL except where a
/// backend overrides a step (time encoding, row locks, bulk insert, summaries, retention).
/// </summary>
internal abstract partial class SqlCloudStore : ICloudStore
{
    public abstract string Backend { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Begins a transaction that writes; backends serialize writers as they need.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>Text appended to a SELECT that must lock the rows it reads until commit.</summary>
    protected abstract string ForUpdate { get; }

    protected abstract object TimeValue(DateTimeOffset value);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    protected abstract IReadOnlyList<Migration> Migrations { get; }

    public abstract ValueTask DisposeAsync();

    public abstract Task<int> ApplyRetentionAsync(DateTimeOffset observationsBefore, DateTimeOffset keysBefore, CancellationToken ct);

    protected DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx is ReleasingTransaction wrapped ? wrapped.Inner : tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = ParameterValue(value);
            command.Parameters.Add(p);
        }
        return command;
    }

    private object ParameterValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset t => TimeValue(t),
        string s => StoredText.Clean(s)!,
        _ => value,
    };

    /// <summary>Runs statements in one round trip where the provider batches (PostgreSQL), one after another otherwise.</summary>
    protected async Task ExecuteBatchAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<Statement> statements, CancellationToken ct)
    {
        if (statements.Count == 1 || !connection.CanCreateBatch)
        {
            foreach (var s in statements)
            {
                await ExecuteAsync(Command(connection, tx, s.Sql, s.Parameters), ct).ConfigureAwait(false);
            }
            return;
        }
        var batch = Batch(connection, tx, statements);
        await using (batch.ConfigureAwait(false))
        {
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="ExecuteBatchAsync"/>, and the rows of the statements that return rows.</summary>
    protected async Task<List<T>> QueryBatchAsync<T>(
        DbConnection connection, DbTransaction tx, IReadOnlyList<Statement> statements, Func<DbDataReader, T> map, CancellationToken ct)
    {
        if (!connection.CanCreateBatch)
        {
            var rows = new List<T>();
            foreach (var s in statements)
            {
                rows.AddRange(await QueryAsync(Command(connection, tx, s.Sql, s.Parameters), map, ct).ConfigureAwait(false));
            }
            return rows;
        }
        var batch = Batch(connection, tx, statements);
        await using (batch.ConfigureAwait(false))
        {
            var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var rows = new List<T>();
                do
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        rows.Add(map(reader));
                    }
                }
                while (await reader.NextResultAsync(ct).ConfigureAwait(false));
                return rows;
            }
        }
    }

    private DbBatch Batch(DbConnection connection, DbTransaction tx, IReadOnlyList<Statement> statements)
    {
        var batch = connection.CreateBatch();
        batch.Transaction = tx is ReleasingTransaction wrapped ? wrapped.Inner : tx;
        foreach (var s in statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = s.Sql;
            foreach (var (name, value) in s.Parameters)
            {
                var p = command.CreateParameter();
                p.ParameterName = name;
                p.Value = ParameterValue(value);
                command.Parameters.Add(p);
            }
            batch.BatchCommands.Add(command);
        }
        return batch;
    }

    protected static async Task<int> ExecuteAsync(DbCommand command, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    protected static async Task<T?> ScalarAsync<T>(DbCommand command, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    protected async Task<List<T>> QueryAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var rows = new List<T>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    rows.Add(map(reader));
                }
                return rows;
            }
        }
    }

    protected static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    protected static long? Long(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    protected static double? Dbl(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    protected DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : ReadTime(r, i);

    /// <summary>Times are kept to the microsecond in both backends.</summary>
    internal static DateTimeOffset Normalize(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);

    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PrepareMigrationAsync(connection, ct).ConfigureAwait(false);
            var applied = new List<int>();
            foreach (var migration in Migrations)
            {
                var tx = await BeginWriteAsync(connection, ct).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    await LockMigrationsAsync(connection, tx, ct).ConfigureAwait(false);
                    var done = await ScalarAsync<long>(Command(connection, tx,
                        "SELECT count(*) FROM schema_migrations WHERE version = @v", ("@v", migration.Version)), ct).ConfigureAwait(false);
                    if (done > 0)
                    {
                        await tx.RollbackAsync(ct).ConfigureAwait(false);
                        continue;
                    }
                    await ExecuteAsync(Command(connection, tx, migration.Sql), ct).ConfigureAwait(false);
                    await ExecuteAsync(Command(connection, tx,
                        "INSERT INTO schema_migrations (version, name) VALUES (@v, @n)",
                        ("@v", migration.Version), ("@n", migration.Name)), ct).ConfigureAwait(false);
                    await tx.CommitAsync(ct).ConfigureAwait(false);
                    applied.Add(migration.Version);
                }
            }
            return applied;
        }
    }

    /// <summary>Creates the migrations table (and anything else needed before the first migration).</summary>
    protected abstract Task PrepareMigrationAsync(DbConnection connection, CancellationToken ct);

    /// <summary>Keeps two hosts starting at once from applying the same migration twice.</summary>
    protected virtual Task LockMigrationsAsync(DbConnection connection, DbTransaction tx, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>One SQL statement and its parameters, for <see cref="SqlCloudStore"/>'s batches.</summary>
internal sealed record Statement(string Sql, params (string Name, object? Value)[] Parameters);

/// <summary>One versioned schema change.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
