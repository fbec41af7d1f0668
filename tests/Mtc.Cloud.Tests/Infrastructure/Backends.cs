using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Tests.Infrastructure;

/// <summary>Where a test class keeps its data: a fresh database per class on either backend.</summary>
public interface IBackend
{
    string Name { get; }

    Task<DatabaseTarget> NewDatabaseAsync();
}

public sealed class SqliteBackend : IBackend, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mtc-cloud-test-").FullName;

    public string Name => "sqlite";

    public Task<DatabaseTarget> NewDatabaseAsync() =>
        Task.FromResult(DatabaseTarget.Parse("sqlite:" + Path.Combine(_dir, Guid.NewGuid().ToString("n") + ".db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A host still shutting down may hold the file a moment longer; the temp folder is cleaned by the OS.
        }
    }
}

public sealed class PostgresBackend(PostgresServer server) : IBackend
{
    public string Name => "postgres";

    public async Task<DatabaseTarget> NewDatabaseAsync() => DatabaseTarget.Parse(await server.CreateDatabaseAsync());
}
