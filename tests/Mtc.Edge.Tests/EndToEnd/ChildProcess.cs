using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>A real child process (<c>dotnet mtc.dll ...</c>) whose output the test reads; killed on dispose.</summary>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _log = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_log) { return _log.ToString(); } }
    }

    /// <summary>Starts an assembly next to the tests (mtc.dll, Mtc.Cloud.dll) with <c>dotnet</c>.</summary>
    public static ChildProcess Start(string name, string assembly, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        _lines.Enqueue(line);
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <summary>Waits for an output line matching <paramref name="pattern"/> and returns its first group (or the line).</summary>
    public async Task<string> WaitForAsync(string pattern, TimeSpan timeout, int skip = 0)
    {
        var regex = new Regex(pattern);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var seen = 0;
            foreach (var line in Output.Split('\n'))
            {
                var m = regex.Match(line);
                if (m.Success && seen++ == skip)
                {
                    return m.Groups.Count > 1 ? m.Groups[1].Value : line;
                }
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before printing /{pattern}/:\n{Output}");
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} did not print /{pattern}/ within {timeout}:\n{Output}");
    }

    /// <summary>The URL the process said it listens on.</summary>
    public async Task<Uri> ListeningOnAsync(TimeSpan timeout) =>
        new(await WaitForAsync(@"(?:listening on|Now listening on:)\s+(http://127\.0\.0\.1:\d+)", timeout));

    /// <summary>kill -9: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(30_000);
        }
    }

    /// <summary>SIGSTOP / SIGCONT: the process keeps its sockets but runs no code.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
