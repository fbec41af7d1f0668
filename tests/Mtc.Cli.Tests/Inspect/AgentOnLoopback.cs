using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mtc.Cli.Tests.Inspect;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 and a port the OS picks, answering fixed responses by path
/// (one request per connection), standing in for an MTConnect agent.
/// </summary>
public sealed class AgentOnLoopback : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, (int Status, string ContentType, byte[] Body)> _routes = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public AgentOnLoopback()
    {
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public AgentOnLoopback Serve(string path, int status, string contentType, byte[] body)
    {
        lock (_routes)
        {
            _routes[path] = (status, contentType, body);
        }

        return this;
    }

    /// <summary>Answers the path with a body and no length, then keeps the connection open, as a streaming agent does.</summary>
    public AgentOnLoopback Stream(string path, string contentType, byte[] firstChunk)
    {
        lock (_routes)
        {
            _routes[path] = (-200, contentType, firstChunk);
        }

        return this;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            var target = head.ToString().Split(' ')[1];
            (int Status, string ContentType, byte[] Body) route;
            lock (_routes)
            {
                route = _routes.TryGetValue(target, out var found) ? found : (404, "text/plain", "no route"u8.ToArray());
            }

            if (route.Status == -200)
            {
                var open = $"HTTP/1.1 200 OK\r\nContent-Type: {route.ContentType}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(open), _stop.Token);
                await stream.WriteAsync(route.Body, _stop.Token);
                await stream.FlushAsync(_stop.Token);
                try
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }

                return;
            }

            var reason = route.Status switch { 200 => "OK", 400 => "Bad Request", 404 => "Not Found", _ => "Status" };
            var header = $"HTTP/1.1 {route.Status} {reason}\r\nContent-Type: {route.ContentType}\r\nContent-Length: {route.Body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(header), _stop.Token);
            await stream.WriteAsync(route.Body, _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
