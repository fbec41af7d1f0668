using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Mtc.Cloud.Benchmarks;

/// <summary>
/// CPU seconds used by this process (benchmark client and cloud host) and by the PostgreSQL server (postmaster,
/// its live children and the children it has reaped), read from <c>/proc</c>. On two cores the sum of the two is
/// what limits a round's throughput; the split says where the time goes.
/// </summary>
internal sealed class CpuMeter
{
    private readonly int _postmaster;

    private CpuMeter(int postmaster) => _postmaster = postmaster;

    /// <summary>A meter for the server behind the connection string, or null when its process cannot be read (another host, not Linux).</summary>
    public static async Task<CpuMeter?> ForServerAsync(string connectionString)
    {
        try
        {
            await using var c = new NpgsqlConnection(connectionString);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SHOW data_directory", c);
            var dir = (string)(await cmd.ExecuteScalarAsync())!;
            var pid = int.Parse(File.ReadLines(Path.Combine(dir, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            return File.Exists($"/proc/{pid}/stat") ? new CpuMeter(pid) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or NpgsqlException)
        {
            return null;
        }
    }

    public (double Self, double Postgres) Read()
    {
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var (own, reaped) = Times(_postmaster);
        var postgres = own + reaped;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != _postmaster && ParentOf(pid) == _postmaster)
            {
                postgres += Times(pid).Own;
            }
        }
        return (self, postgres);
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int ParentOf(int pid) => Stat(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : -1;

    private static (double Own, double Reaped) Times(int pid)
    {
        if (Stat(pid) is not { } f)
        {
            return (0, 0);
        }
        // Fields 14-17 of stat (utime, stime, cutime, cstime) in clock ticks of 1/100 s; index 0 here is field 3.
        double Tick(int field) => long.Parse(f[field - 3], CultureInfo.InvariantCulture) / 100.0;
        return (Tick(14) + Tick(15), Tick(16) + Tick(17));
    }
}
