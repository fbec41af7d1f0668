using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Mtc.Cloud.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for a test collection: initdb + pg_ctl in a temp folder on a free port
/// (as the <c>postgres</c> user when the tests run as root, since initdb refuses root), removed afterwards.
/// When <c>MTC_TEST_POSTGRES</c> is set (a connection string or postgres:// URL), that server is used instead.
/// Each test class gets a fresh database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private string? _dir;
    private bool _asPostgresUser;

    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("MTC_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = Mtc.Cloud.Storage.DatabaseTarget.Parse(external).ConnectionString;
            return;
        }
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries are missing in {BinDir}: run 'apt-get install -y postgresql' (or set MTC_TEST_POSTGRES).");
        }
        _asPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        _dir = Directory.CreateTempSubdirectory("mtc-pg-").FullName;
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres", _dir]);
        }
        var data = Path.Combine(_dir, "data");
        await RunPgAsync("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        var port = FreePort();
        await RunPgAsync("pg_ctl", ["-D", data, "-l", Path.Combine(_dir, "log"), "-w", "-t", "120", "-o",
            $"-p {port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start"]);
        AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
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
        if (_dir is null)
        {
            return;
        }
        try
        {
            await RunPgAsync("pg_ctl", ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private Task RunPgAsync(string tool, string[] args) =>
        _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(BinDir, tool), .. args])
            : RunAsync(Path.Combine(BinDir, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
