using System.Data.Common;
using Microsoft.Data.Sqlite;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Npgsql;

namespace Mtc.Cloud.Tests.Storage;

/// <summary>
/// Migration 3 gives derived events an identity (tenant, machine, id). A database written before it may hold the same
/// derived event or cycle more than once: the first stored of each is kept, gaps and other machines are untouched.
/// </summary>
public abstract class DerivedEventMigrationTests(IBackend backend) : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = Batches.T0;
    private DatabaseTarget _db = null!;

    public async Task InitializeAsync()
    {
        _db = await backend.NewDatabaseAsync();
        var store = _db.Open();
        await using (store)
        {
            await store.MigrateAsync(None);
        }
    }

    public Task DisposeAsync()
    {
        (backend as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Upgrading_keeps_the_first_copy_of_each_repeated_derived_event_and_cycle()
    {
        await using (var c = await RawAsync())
        {
            // Back to the schema before migration 3, then rows as an older version could store them.
            await ExecAsync(c, "DROP INDEX events_derived_identity");
            await ExecAsync(c, "DROP INDEX cycles_event");
            await ExecAsync(c, "DROP INDEX events_machine_type_cursor");
            await ExecAsync(c, "DELETE FROM schema_migrations WHERE version = 3");
            (long Cursor, string Id, string Type, string Machine)[] events =
                [(1, "x", "status", "m1"), (2, "x", "status", "m1"), (3, "x", "status", "m2"), (4, "g", "gap", "m1"), (5, "g", "gap", "m1"), (6, "y", "cycle", "m1"), (7, "y", "cycle", "m1")];
            foreach (var (cursor, id, type, machine) in events)
            {
                await ExecAsync(c, "INSERT INTO events (tenant, cursor, id, source, type, machine_id, edge_id, start_ts, end_ts, data) " +
                    $"VALUES ('acme', {cursor}, '{id}', 'edge', '{type}', '{machine}', 'e1', @s, @s, '{{\"n\":{cursor}}}')", Time(T0.AddSeconds(cursor)));
            }
            for (var i = 0; i < 2; i++)
            {
                await ExecAsync(c, "INSERT INTO cycles (tenant, machine_id, event_id, start_ts, end_ts, duration_s) VALUES ('acme', 'm1', 'y', @s, @s, 60)", Time(T0));
            }
        }

        var store = _db.Open();
        await using (store)
        {
            Assert.Equal([3], await store.MigrateAsync(None));
        }

        await using (var c = await RawAsync())
        {
            Assert.Equal(["1 x m1", "3 x m2", "4 g m1", "5 g m1", "6 y m1"],
                await QueryAsync(c, "SELECT cursor, id, machine_id FROM events ORDER BY cursor", r => $"{r.GetInt64(0)} {r.GetString(1)} {r.GetString(2)}"));
            Assert.Equal([1L], await QueryAsync(c, "SELECT count(*) FROM cycles", r => r.GetInt64(0)));
        }
    }

    private async Task<DbConnection> RawAsync()
    {
        DbConnection c = _db.Backend == "sqlite"
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _db.ConnectionString, Pooling = false }.ToString())
            : new NpgsqlConnection(_db.ConnectionString);
        await c.OpenAsync();
        return c;
    }

    /// <summary>A time as the backend stores it: microseconds since the epoch in SQLite, timestamptz in PostgreSQL.</summary>
    private object Time(DateTimeOffset t) => _db.Backend == "sqlite" ? (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : t.UtcDateTime;

    private static async Task ExecAsync(DbConnection c, string sql, object? s = null)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        if (s is not null)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@s";
            p.Value = s;
            command.Parameters.Add(p);
        }
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<T>> QueryAsync<T>(DbConnection c, string sql, Func<DbDataReader, T> map)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        await using var r = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await r.ReadAsync())
        {
            rows.Add(map(r));
        }
        return rows;
    }
}

public sealed class DerivedEventMigrationTests_Sqlite() : DerivedEventMigrationTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class DerivedEventMigrationTests_Postgres(PostgresServer server) : DerivedEventMigrationTests(new PostgresBackend(server));
