using Npgsql;

namespace Mtc.Cloud.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server of a test collection: a <see cref="ThrowawayPostgres"/>, or the server named by
/// <c>MTC_TEST_POSTGRES</c> (a connection string or postgres:// URL) when it is set. Each test class gets a
/// fresh database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private ThrowawayPostgres? _server;

    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("MTC_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = Mtc.Cloud.Storage.DatabaseTarget.Parse(external).ConnectionString;
            return;
        }
        _server = await ThrowawayPostgres.StartAsync(durable: false);
        AdminConnectionString = _server.ConnectionString() + ";Pooling=false";
    }

    /// <summary>A new, empty database; its connection string (small pool, so many databases fit one server).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "mtc_" + Guid.NewGuid().ToString("n");
        await using (var c = new NpgsqlConnection(AdminConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 30 }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
