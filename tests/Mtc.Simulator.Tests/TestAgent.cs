using System.Net;
using System.Xml.Linq;
using Mtc.Core.Model;
using Mtc.Core.Multipart;
using Mtc.Core.Xml;

namespace Mtc.Simulator.Tests;

/// <summary>A document as served: its status, its XML (for independent XDocument queries) and what our protocol library reads.</summary>
internal sealed record Served(HttpStatusCode Status, XDocument Xml, MtConnectDocument Document);

/// <summary>A simulator on 127.0.0.1 port 0 and a real HttpClient pointed at it.</summary>
internal sealed class TestAgent : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private TestAgent(SimulatorHost host)
    {
        Host = host;
        Http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = Patience };
    }

    public SimulatorHost Host { get; }
    public HttpClient Http { get; }

    public static async Task<TestAgent> StartAsync(SimulatorOptions options) =>
        new(await SimulatorHost.StartAsync(options with { Port = 0 }));

    public static Task<TestAgent> GenerateAsync(int machines, int seed = 1, double speed = 20, string version = "2.5", int buffer = 131072) =>
        StartAsync(new SimulatorOptions { Generate = machines, Seed = seed, Speed = speed, Version = version, BufferSize = buffer });

    public static string Data(params string[] path) => Path.Combine([AppContext.BaseDirectory, "TestData", .. path]);

    /// <summary>GETs a document; every document served must be read by our protocol library.</summary>
    public async Task<Served> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        using var text = new MemoryStream(bytes);
        return new Served(response.StatusCode, XDocument.Load(text), MtConnectXml.Read(bytes));
    }

    public async Task<T> GetOkAsync<T>(string path)
        where T : MtConnectDocument
    {
        var served = await GetAsync(path);
        Assert.True(served.Status == HttpStatusCode.OK, $"GET {path}: {served.Status} {served.Xml}");
        return Assert.IsType<T>(served.Document);
    }

    public Task<StreamsDocument> StreamsAsync(string path) => GetOkAsync<StreamsDocument>(path);

    public Task<DevicesDocument> ProbeAsync(string path = "probe") => GetOkAsync<DevicesDocument>(path);

    /// <summary>Polls until <paramref name="condition"/> holds on the current document.</summary>
    public async Task<StreamsDocument> WaitForCurrentAsync(Func<StreamsDocument, bool> condition, string path = "current")
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var document = await StreamsAsync(path);
            if (condition(document))
            {
                return document;
            }

            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {Patience} on {path}");
            await Task.Delay(100);
        }
    }

    /// <summary>Opens a streaming request and reads it with our multipart reader.</summary>
    public async Task<(HttpResponseMessage Response, MultipartDocumentReader Parts)> OpenStreamAsync(string path, CancellationToken cancellationToken = default)
    {
        var response = await Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return (response, new MultipartDocumentReader(stream, response.Content.Headers.ContentType!.ToString()));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

internal static class Documents
{
    public static IEnumerable<Observation> Observations(this StreamsDocument document) =>
        document.Streams.SelectMany(s => s.Observations);

    /// <summary>Reads a streamed part with our protocol library, checking it declared its length.</summary>
    public static MtConnectDocument Read(this MultipartPart part)
    {
        Assert.True(part.HadContentLength, "every part carries its Content-Length");
        Assert.Equal("text/xml", part.ContentType);
        return MtConnectXml.Read(part.Body);
    }

    public static IEnumerable<XElement> Named(this XContainer container, string localName) =>
        container.Descendants().Where(e => e.Name.LocalName == localName);
}
