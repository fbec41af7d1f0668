using System.Diagnostics;

namespace Mtc.Cli.Tests.Deploy;

/// <summary>Runs a tool of the machine (podman, systemd-analyze, node, a script) to its end; a failure throws with its output.</summary>
internal static class Tool
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, bool check = true, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Repository.Root() };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} took longer than {timeout}: {await stderr}");
        }
        var output = await stdout;
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', psi.ArgumentList)} exited {process.ExitCode}: {await stderr}{output}");
        }
        return output.Trim();
    }
}
