using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// An MTConnect agent on 127.0.0.1 that misbehaves as the test says: a raw HTTP/1.1 server whose answer to each request
/// is the current <see cref="Behaviour"/> (one request per connection, <c>Connection: close</c>), or, after
/// <see cref="ProxyTo"/>, a byte-for-byte proxy to a real agent (the well-behaved source the edge must recover on).
/// Every request is recorded with its time and path.
/// </summary>
internal sealed class HostileAgent : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ConcurrentQueue<(DateTime At, string Path)> _requests = new();
    private volatile Func<AgentRequest, Task> _behaviour;
    private volatile Uri? _upstream;
    private long _bytesSent;

    public HostileAgent(Func<AgentRequest, Task> behaviour)
    {
        _behaviour = behaviour;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseUri { get; }

    /// <summary>Body bytes the hostile behaviours managed to write (what the edge took before it stopped reading).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public Func<AgentRequest, Task> Behaviour
    {
        set => _behaviour = value;
    }

    public IReadOnlyList<(DateTime At, string Path)> Requests => [.. _requests];

    /// <summary>From now on every new connection is piped to <paramref name="agent"/> unchanged.</summary>
    public void ProxyTo(Uri agent) => _upstream = agent;

    /// <summary>True once <see cref="ProxyTo"/> was called: a behaviour that streams forever ends its stream then.</summary>
    public bool Proxying => _upstream is not null;

    public int CountSince(DateTime since, string? pathPrefix = null) =>
        _requests.Count(r => r.At >= since && (pathPrefix is null || r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)));

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
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        try
        {
            if (_upstream is { } upstream)
            {
                await PipeAsync(stream, upstream);
                return;
            }
            var head = await ReadHeadAsync(stream);
            if (head is null)
            {
                return;
            }
            var path = head.Split(' ')[1];
            _requests.Enqueue((DateTime.UtcNow, path));
            await _behaviour(new AgentRequest(path, stream, this, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The edge hung up: that is what most behaviours wait for.
        }
    }

    private async Task PipeAsync(NetworkStream stream, Uri upstream)
    {
        using var target = new TcpClient { NoDelay = true };
        await target.ConnectAsync(upstream.Host, upstream.Port, _stop.Token);
        var other = target.GetStream();
        var up = stream.CopyToAsync(other, _stop.Token);
        var down = other.CopyToAsync(stream, _stop.Token);
        await Task.WhenAny(up, down);
    }

    /// <summary>The request line and headers (bounded: an edge writes a few hundred bytes).</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(length));
            if (n == 0)
            {
                return null;
            }
            length += n;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                return text;
            }
        }
        return null;
    }

    internal void Sent(long bytes) => Interlocked.Add(ref _bytesSent, bytes);

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

/// <summary>One request to the hostile agent: its path and the connection to answer on.</summary>
internal sealed record AgentRequest(string Path, NetworkStream Stream, HostileAgent Agent, CancellationToken Stop)
{
    public bool Is(string endpoint) => Path.TrimStart('/').StartsWith(endpoint, StringComparison.Ordinal);

    /// <summary>The status line, the headers given and <c>Connection: close</c>.</summary>
    public Task HeadAsync(string status, params string[] headers) =>
        WriteRawAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Connection: close\r\n\r\n"), count: false);

    /// <summary>A whole answer with a Content-Length.</summary>
    public async Task DocumentAsync(string body, string contentType = "text/xml")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await HeadAsync("200 OK", $"Content-Type: {contentType}", string.Create(CultureInfo.InvariantCulture, $"Content-Length: {bytes.Length}"));
        await WriteRawAsync(bytes);
    }

    public async Task ChunkAsync(ReadOnlyMemory<byte> data)
    {
        await WriteRawAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{data.Length:x}\r\n")), count: false);
        await WriteRawAsync(data);
        await WriteRawAsync("\r\n"u8.ToArray(), count: false);
    }

    public Task ChunkAsync(string text) => ChunkAsync(Encoding.UTF8.GetBytes(text));

    public async Task WriteRawAsync(ReadOnlyMemory<byte> data, bool count = true)
    {
        await Stream.WriteAsync(data, Stop);
        if (count)
        {
            Agent.Sent(data.Length);
        }
    }

    /// <summary>Writes <paramref name="chunk"/> as HTTP chunks until the edge hangs up.</summary>
    public async Task ChunksForeverAsync(ReadOnlyMemory<byte> chunk)
    {
        while (true)
        {
            await ChunkAsync(chunk);
        }
    }

    /// <summary>Keeps the connection open, sending nothing, until the edge hangs up (or the test ends).</summary>
    public async Task SilentAsync()
    {
        var buffer = new byte[256];
        while (await Stream.ReadAsync(buffer, Stop) > 0)
        {
        }
    }
}
