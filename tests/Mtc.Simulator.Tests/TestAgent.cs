using System.Net;
using System.Xml.Linq;

namespace Mtc.Simulator.Tests;

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

    public async Task<(HttpStatusCode Status, XDocument Document)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("text/xml", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, XDocument.Parse(text));
    }

    public async Task<XDocument> GetOkAsync(string path)
    {
        var (status, document) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {status} {document}");
        return document;
    }

    /// <summary>Polls until <paramref name="condition"/> holds on the current document.</summary>
    public async Task<XDocument> WaitForCurrentAsync(Func<XDocument, bool> condition, string path = "current")
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var document = await GetOkAsync(path);
            if (condition(document))
            {
                return document;
            }

            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {Patience} on {path}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>Reads MTConnect documents with XDocument queries, independently of the code that wrote them.</summary>
internal static class Mt
{
    public static XElement Header(this XDocument document) => document.Root!.Elements().First(e => e.Name.LocalName == "Header");

    public static long Attr(this XElement element, string name) => long.Parse(element.Attribute(name)!.Value);

    public static IEnumerable<XElement> Named(this XContainer container, string localName) =>
        container.Descendants().Where(e => e.Name.LocalName == localName);

    /// <summary>Every observation (Sample, Event or Condition entry) of a streams document.</summary>
    public static IEnumerable<XElement> Observations(this XDocument document) =>
        document.Descendants().Where(e => e.Parent?.Name.LocalName is "Samples" or "Events" or "Condition");
}
