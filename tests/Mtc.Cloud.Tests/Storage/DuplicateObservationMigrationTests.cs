using System.Data.Common;
using Microsoft.Data.Sqlite;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Npgsql;

namespace Mtc.Cloud.Tests.Storage;

/// <summary>
/// Migration 4 gives observations an identity (tenant, machine, instanceId, sequence, timestamp). A database written before
/// it may hold the same observation several times: the copy with the lowest id is kept, every other observation untouched.
/// </summary>
public abstract class DuplicateObservationMigrationTests(IBackend backend) : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private DatabaseTarget _db = null!;

    public async Task InitializeAsync()
    {
        _db = await backend.NewDatabaseAsync();
        var store = _db.Open();
        await using (store)
        {
            await store.MigrateAsync(None);
            // Rows through the real ingest (on PostgreSQL this also makes the day's partition): 6 observations of m1, 2 of m2.
            using var batch = Mtc.Cloud.Ingest.IngestPayload.From(Batches.Observations("e1", "s1", 1, 6));
            await store.IngestAsync("acme", batch, DateTimeOffset.UtcNow, None);
            using var other = Mtc.Cloud.Ingest.IngestPayload.From(Batches.Observations("e1", "s2", 1, 2, machine: "m2"));
            await store.IngestAsync("acme", other, DateTimeOffset.UtcNow, None);
        }
    }

    public Task DisposeAsync()
    {
        (backend as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Upgrading_a_database_with_duplicate_observations_keeps_the_lowest_id_of_each()
    {
        await using (var c = await RawAsync())
        {
            // Back to the schema before migration 4, then the copies an older version stored: observations 1 and 2 of m1
            // twice more, 3 once more (under new record seqs), with and without an instance id.
            await ExecAsync(c, "DROP INDEX observations_identity");
            await ExecAsync(c, "DELETE FROM schema_migrations WHERE version = 4");
            await ExecAsync(c, "UPDATE observations SET instance_id = NULL WHERE machine_id = 'm1' AND record_seq = 3");
            const string copy = "INSERT INTO observations (tenant, machine_id, ts, data_item_id, seq, instance_id, name, category, type, value, " +
                "edge_id, stream_id, record_seq) SELECT tenant, machine_id, ts, data_item_id, seq, instance_id, name, category, type, value, " +
                "edge_id, stream_id, record_seq + 100 FROM observations WHERE machine_id = 'm1' AND record_seq IN ";
            await ExecAsync(c, copy + "(1, 2, 3)");
            await ExecAsync(c, copy + "(1, 2)");
            Assert.Equal(13L, await ScalarAsync(c, "SELECT count(*) FROM observations"));
        }
        var before = await IdsAsync();

        var store = _db.Open();
        await using (store)
        {
            Assert.Equal([4], await store.MigrateAsync(None));
        }

        var after = await IdsAsync();
        Assert.Equal(8, after.Count);
        Assert.Equal(before.GroupBy(r => (r.Machine, r.Seq)).Select(g => g.Min(r => r.Id)).Order(), after.Select(r => r.Id).Order());
        Assert.Equal(["m1", "m1", "m1", "m1", "m1", "m1", "m2", "m2"], after.OrderBy(r => r.Machine).Select(r => r.Machine));
        Assert.All(after, r => Assert.True(r.RecordSeq < 100));

        // The identity now holds: the same observation inserted again is refused by the index.
        await using (var c = await RawAsync())
        {
            await Assert.ThrowsAnyAsync<DbException>(() => ExecAsync(c,
                "INSERT INTO observations (tenant, machine_id, ts, data_item_id, seq, instance_id, edge_id, stream_id, record_seq) " +
                "SELECT tenant, machine_id, ts, data_item_id, seq, instance_id, edge_id, stream_id, 999 FROM observations WHERE record_seq = 3 AND machine_id = 'm1'"));
        }
    }

    private async Task<List<(long Id, string Machine, long Seq, long RecordSeq)>> IdsAsync()
    {
        await using var c = await RawAsync();
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT id, machine_id, seq, record_seq FROM observations ORDER BY id";
        await using var r = await command.ExecuteReaderAsync();
        var rows = new List<(long, string, long, long)>();
        while (await r.ReadAsync())
        {
            rows.Add((r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        }
        return rows;
    }

    private async Task<DbConnection> RawAsync()
    {
        DbConnection c = _db.Backend == "sqlite"
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _db.ConnectionString, Pooling = false }.ToString())
            : new NpgsqlConnection(_db.ConnectionString);
        await c.OpenAsync();
        return c;
    }

    private static async Task ExecAsync(DbConnection c, string sql)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(DbConnection c, string sql)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class DuplicateObservationMigrationTests_Sqlite() : DuplicateObservationMigrationTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class DuplicateObservationMigrationTests_Postgres(PostgresServer server) : DuplicateObservationMigrationTests(new PostgresBackend(server));
