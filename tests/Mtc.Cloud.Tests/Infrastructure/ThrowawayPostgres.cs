using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mtc.Cloud.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server: initdb + pg_ctl in a temp folder on a free port (as the <c>postgres</c> user
/// when running as root, since initdb refuses root), stopped and removed on dispose. Shared by the tests and
/// the benchmarks.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly string _dir;
    private readonly bool _asPostgresUser;

    private string _settings = "";

    private ThrowawayPostgres(string dir, bool asPostgresUser, int port)
    {
        _dir = dir;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    /// <summary>Stops the server as an operator would (fast shutdown: sessions are cut), keeping its data.</summary>
    public Task StopAsync() => RunPgAsync("pg_ctl", ["-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the server again on the same port and data.</summary>
    public Task RestartAsync() => StartServerAsync();

    private Task StartServerAsync() =>
        RunPgAsync("pg_ctl", ["-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "log"), "-w", "-t", "120", "-o", _settings, "start"]);

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    /// <summary>Starts a server. <paramref name="durable"/> false turns fsync off (tests); true keeps the defaults (benchmarks).</summary>
    public static async Task<ThrowawayPostgres> StartAsync(bool durable)
    {
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries are missing in {BinDir}: run 'apt-get install -y postgresql' (or set MTC_TEST_POSTGRES).");
        }
        var asPostgres = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("mtc-pg-").FullName;
        if (asPostgres)
        {
            await RunAsync("chown", ["postgres", dir]);
        }
        var port = FreePort();
        var server = new ThrowawayPostgres(dir, asPostgres, port);
        var data = Path.Combine(dir, "data");
        await server.RunPgAsync("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        server._settings = $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=300" +
            (durable ? " -c shared_buffers=256MB" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        await server.StartServerAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
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
