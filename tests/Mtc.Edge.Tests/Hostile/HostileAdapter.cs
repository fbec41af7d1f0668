using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>An SHDR adapter on 127.0.0.1 whose every accepted connection runs the current <see cref="Behaviour"/>; accepts are recorded.</summary>
internal sealed class HostileAdapter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ConcurrentQueue<DateTime> _accepts = new();
    private volatile Func<NetworkStream, CancellationToken, Task> _behaviour;

    public HostileAdapter(Func<NetworkStream, CancellationToken, Task> behaviour)
    {
        _behaviour = behaviour;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Func<NetworkStream, CancellationToken, Task> Behaviour
    {
        set => _behaviour = value;
    }

    public IReadOnlyList<DateTime> Accepts => [.. _accepts];

    public static Task SendAsync(NetworkStream stream, string text, CancellationToken ct) => stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask();

    /// <summary>Keeps the connection until the edge closes it or the test ends.</summary>
    public static async Task HoldAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[256];
        while (await stream.ReadAsync(buffer, ct) > 0)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _accepts.Enqueue(DateTime.UtcNow);
            var behaviour = _behaviour;
            _ = Task.Run(async () =>
            {
                using var _ = client;
                try
                {
                    await behaviour(client.GetStream(), _stop.Token);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
