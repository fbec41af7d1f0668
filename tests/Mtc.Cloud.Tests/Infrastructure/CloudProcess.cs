using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Tests.Infrastructure;

/// <summary>
/// The real cloud executable (<c>Mtc.Cloud.dll</c>) as a child process over a database, on 127.0.0.1 and a free port;
/// killed on dispose. Its output is drained so that it never blocks on a full pipe, and kept for failure messages.
/// </summary>
public sealed partial class CloudProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _output;

    private CloudProcess(Process process, Uri address, StringBuilder output)
    {
        _process = process;
        Address = address;
        _output = output;
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<CloudProcess> StartAsync(DatabaseTarget db, params string[] settings) => StartAsync(null, db, settings);

    /// <summary>The cloud with these environment variables set in its process (e.g. its own <c>HOME</c>).</summary>
    public static Task<CloudProcess> StartAsync(DatabaseTarget db, IReadOnlyDictionary<string, string> environment, params string[] settings) =>
        StartAsync(null, db, settings, environment);

    /// <summary>The notification worker alone (<c>Mtc.Cloud.dll worker</c>, what <c>mtc worker</c> runs), listening for /health/live.</summary>
    public static Task<CloudProcess> StartWorkerAsync(DatabaseTarget db, params string[] settings) => StartAsync("worker", db, settings);

    private static async Task<CloudProcess> StartAsync(
        string? verb, DatabaseTarget db, string[] settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var target = db.Backend == "sqlite" ? "sqlite:" + db.ConnectionString : db.ConnectionString;
        string[] program = verb is null ? [Path.Combine(AppContext.BaseDirectory, "Mtc.Cloud.dll")] : [Path.Combine(AppContext.BaseDirectory, "Mtc.Cloud.dll"), verb];
        foreach (var arg in program.Concat(["--db", target, "--urls", "http://127.0.0.1:0"]).Concat(settings))
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }
        var process = Process.Start(psi)!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Line(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(line);
            }
            if (Listening().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(new Uri(m.Groups[1].Value));
            }
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(Patience));
        if (first != listening.Task)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
            lock (output)
            {
                throw new InvalidOperationException($"the cloud did not start listening within {Patience}:\n{output}");
            }
        }
        return new CloudProcess(process, await listening.Task, output);
    }

    /// <summary>A client of this process that sends <paramref name="key"/> as a bearer token.</summary>
    public HttpClient ClientWith(string key)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = Patience };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on:\s+(http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
