using Mtc.Cloud.Tests.Infrastructure;
using Npgsql;

namespace Mtc.Cloud.Benchmarks;

/// <summary>The PostgreSQL server of a benchmark run, and a fresh database per benchmark.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly ThrowawayPostgres? _owned;
    private readonly string _admin;

    private BenchServer(ThrowawayPostgres? owned, string admin)
    {
        _owned = owned;
        _admin = admin;
    }

    public static async Task<BenchServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("MTC_BENCH_POSTGRES") is { Length: > 0 } external)
        {
            return new BenchServer(null, Storage.DatabaseTarget.Parse(external).ConnectionString);
        }
        var server = await ThrowawayPostgres.StartAsync(durable: true);
        return new BenchServer(server, server.ConnectionString());
    }

    public async Task<string> NewDatabaseAsync()
    {
        var name = "bench_" + Guid.NewGuid().ToString("n");
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_admin) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }
}
