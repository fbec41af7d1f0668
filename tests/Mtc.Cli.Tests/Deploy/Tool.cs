using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mtc.Cloud.Tests.Contract;

namespace Mtc.Cli.Tests.Deploy;

/// <summary>Runs a tool of the machine (podman, systemd-analyze, node, a script) to its end; a failure throws with its output.</summary>
internal static class Tool
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, bool check = true, string? workingDirectory = null)
    {
        var list = args.ToList();
        var (code, stdout, stderr) = await ToolProcess.RunAsync(file, list, workingDirectory ?? ToolProcess.RepositoryRoot(), timeout);
        if (check && code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', list)} exited {code}: {stderr}{stdout}");
        }
        return stdout.Trim();
    }

    /// <summary>A loopback port free now, for a container or process the test starts.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
