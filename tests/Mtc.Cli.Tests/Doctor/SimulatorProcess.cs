using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Mtc.Cli.Tests.Doctor;

/// <summary>The real simulator (<c>mtc sim --port 0 ...</c>) as a child process on 127.0.0.1; killed on dispose.</summary>
internal sealed partial class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SimulatorProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static async Task<SimulatorProcess> StartAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] all = [Path.Combine(AppContext.BaseDirectory, "mtc.dll"), "sim", "--port", "0", .. args];
        foreach (var arg in all)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(guard.Token) is { } line)
            {
                if (UrlPattern().Match(line) is { Success: true } match)
                {
                    return new SimulatorProcess(process, match.Value);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        lock (errors)
        {
            throw new InvalidOperationException($"mtc sim {string.Join(' ', args)} printed no URL: {errors}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/")]
    private static partial Regex UrlPattern();
}
