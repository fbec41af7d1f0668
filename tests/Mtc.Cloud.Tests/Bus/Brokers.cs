using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mtc.Cloud.Tests.Bus;

/// <summary>
/// A real broker from Debian as a child process on 127.0.0.1 and a free port, its data in a temporary folder: stopped
/// gracefully (SIGTERM, so mosquitto writes its persistence file) or killed, restarted on the same port and data, killed on
/// dispose.
/// </summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    private readonly string _executable;
    private readonly Func<BrokerProcess, string[]> _arguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private BrokerProcess(string executable, Func<BrokerProcess, string[]> arguments)
    {
        _executable = executable;
        _arguments = arguments;
        Port = FreePort();
        Directory = System.IO.Directory.CreateTempSubdirectory("mtc-broker-").FullName;
    }

    public int Port { get; }

    public string Directory { get; }

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

    /// <summary>mosquitto with one listener, anonymous clients, and persistence (retained messages and sessions survive a restart).</summary>
    public static Task<BrokerProcess> MosquittoAsync() => StartAsync(new BrokerProcess("/usr/sbin/mosquitto", b =>
    {
        var conf = Path.Combine(b.Directory, "mosquitto.conf");
        File.WriteAllText(conf, $"listener {b.Port} 127.0.0.1\nallow_anonymous true\npersistence true\n" +
            $"persistence_location {b.Directory}/\nautosave_interval 1\n");
        return ["-c", conf];
    }));

    /// <summary>nats-server with JetStream, storing in its folder.</summary>
    public static Task<BrokerProcess> NatsAsync() => StartAsync(new BrokerProcess("/usr/sbin/nats-server", b =>
        ["-js", "-a", "127.0.0.1", "-p", b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", Path.Combine(b.Directory, "js")]));

    private static async Task<BrokerProcess> StartAsync(BrokerProcess broker)
    {
        await broker.StartAsync();
        return broker;
    }

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo(_executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in _arguments(this))
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var until = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{_executable} exited with {process.ExitCode}:\n{Output}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"{_executable} did not listen on {Port}:\n{Output}");
    }

    /// <summary>SIGTERM and wait: the broker saves what it persists and closes its clients' connections.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } p)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await p.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
        p.Dispose();
        _process = null;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
