using System.Net;
using System.Net.Sockets;
using System.Text;
using Mtc.Core.Multipart;
using Mtc.Core.Tests.Support;

namespace Mtc.Core.Tests.Multipart;

/// <summary>
/// A real socket on 127.0.0.1 answering like a cppagent 2.x sample stream (chunked transfer encoding, one
/// chunk per part, no closing delimiter), read through HttpClient.
/// </summary>
public sealed class MultipartOverHttpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Documents_are_yielded_as_each_part_arrives_over_chunked_http()
    {
        var docs = new[]
        {
            CapturedFiles.Bytes("ladder99/services/relay/examples/demo/current.xml"),
            CapturedFiles.Bytes("ladder99/services/relay/examples/demo/sample.xml"),
        };
        const string boundary = "5c8e0c2a-7a43-4c38-a2b9-0f1e2d3c4b5a";
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var firstReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource(Patience);

        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(timeout.Token);
            var stream = client.GetStream();
            var request = new byte[4096];
            _ = await stream.ReadAsync(request, timeout.Token);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                "HTTP/1.1 200 OK\r\nServer: MTConnectAgent\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n" +
                $"Content-Type: multipart/mixed;boundary={boundary}\r\n\r\n"), timeout.Token);
            foreach (var doc in docs)
            {
                var part = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-type: text/xml\r\nContent-length: {doc.Length}\r\n\r\n")
                    .Concat(doc).Concat("\r\n"u8.ToArray()).ToArray();
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"), timeout.Token);
                await stream.WriteAsync(part, timeout.Token);
                await stream.WriteAsync("\r\n"u8.ToArray(), timeout.Token);
                await stream.FlushAsync(timeout.Token);

                // The second part is sent only once the first has come out of the reader.
                await firstReceived.Task.WaitAsync(timeout.Token);
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), timeout.Token);
        }, timeout.Token);

        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/sample?interval=0"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var contentType = response.Content.Headers.ContentType!.ToString();
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        await using var reader = new MultipartDocumentReader(body, contentType);
        var received = new List<byte[]>();
        while (await reader.ReadNextAsync(timeout.Token) is { } part)
        {
            received.Add(part.Body.ToArray());
            firstReceived.TrySetResult();
        }

        await server;
        Assert.Equal(docs.Length, received.Count);
        Assert.Equal(docs[0], received[0]);
        Assert.Equal(docs[1], received[1]);
    }
}
