using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mtc.Edge.Tests.Collectors.Mqtt;

/// <summary>
/// A real MQTT broker: Debian's mosquitto as a child process on 127.0.0.1, anonymous, without persistence (so a killed
/// broker comes back empty: no retained messages, no sessions, as after a crash of a broker that does not persist).
/// Killed on dispose.
/// </summary>
internal sealed class MosquittoBroker : IDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";
    private readonly TempDirectory _dir = new();
    private Process? _process;

    private readonly int _maxQueuedMessages;

    private MosquittoBroker(int port, int maxQueuedMessages)
    {
        Port = port;
        _maxQueuedMessages = maxQueuedMessages;
    }

    public int Port { get; }

    /// <summary>Starts a broker on a free port; <paramref name="maxQueuedMessages"/> bounds what it keeps per session while the client is away.</summary>
    public static async Task<MosquittoBroker> StartAsync(int maxQueuedMessages = 100_000)
    {
        var broker = new MosquittoBroker(FreePort(), maxQueuedMessages);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>Starts the broker (again) on its port.</summary>
    public async Task RestartAsync()
    {
        var config = _dir.Sub("mosquitto.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture,
            $"listener {Port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages {_maxQueuedMessages}\nlog_dest none\n"));
        var psi = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(config);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the broker (SIGKILL): its connections drop, what it held is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Kill();
        _dir.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
