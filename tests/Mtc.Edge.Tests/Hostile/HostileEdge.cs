using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Mtc.Edge.Tests.EndToEnd;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// The real <c>mtc edge</c> process (offline: no cloud, so its outbox is the whole record of what it wrote) against one
/// hostile source, with what a person would check: <c>/api/status</c>, the status page, the outbox and the process's
/// peak resident memory (VmHWM).
/// </summary>
internal sealed class HostileEdge : IAsyncDisposable
{
    public const long RssBoundBytes = 500L * 1024 * 1024;

    private readonly TempDirectory _dir = new();
    private ChildProcess? _edge;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri Uri { get; private set; } = null!;

    public ChildProcess Process => _edge!;

    public string OutboxPath => _dir.Sub(Path.Combine("edge-data", "outbox.db"));

    /// <summary>An edge collecting from <paramref name="agent"/> (heartbeat 1 s, interval 100 ms: silence limit 3.1 s).</summary>
    /// <param name="maxDocumentBytes">Edge:MaxDocumentBytes; the product's default (256 MiB) when null.</param>
    public static Task<HostileEdge> ForAgentAsync(
        Uri agent, long maxBytes = 1L << 30, string requestTimeout = "00:00:30", string heartbeat = "00:00:01", long? maxDocumentBytes = null) =>
        StartAsync(new
        {
            Agents = new[] { new { Url = agent.ToString(), Interval = "00:00:00.1", PollInterval = "00:00:00.1", Heartbeat = heartbeat, Count = 1000, RequestTimeout = requestTimeout } },
            Outbox = new { MaxBytes = maxBytes, Synchronous = "NORMAL" },
        }, maxDocumentBytes);

    /// <summary>An edge collecting from an adapter on <paramref name="port"/> feeding Device1 of two_devices.xml.</summary>
    public static Task<HostileEdge> ForAdapterAsync(int port, string unavailableAfter = "00:00:02", string timeout = "00:00:30") =>
        StartAsync(new
        {
            Adapters = new[] { new { Host = "127.0.0.1", Port = port, Devices = AdapterDevices, Device = "Device1", Timeout = timeout, UnavailableAfter = unavailableAfter } },
            Outbox = new { MaxBytes = 1L << 30, Synchronous = "NORMAL" },
        });

    public static readonly string AdapterDevices =
        Path.Combine(AppContext.BaseDirectory, "TestData", "cppagent", "test_package", "resources", "samples", "two_devices.xml");

    private static async Task<HostileEdge> StartAsync(object sources, long? maxDocumentBytes = null)
    {
        var edge = new HostileEdge();
        var settings = JsonSerializer.SerializeToNode(sources)!.AsObject();
        if (maxDocumentBytes is { } max)
        {
            settings["MaxDocumentBytes"] = max;
        }
        settings["Id"] = "hostile-1";
        settings["DataDirectory"] = "./edge-data";
        settings["Http"] = JsonSerializer.SerializeToNode(new { Urls = "http://127.0.0.1:0" });
        var path = edge._dir.Sub("edge.json");
        await File.WriteAllTextAsync(path, new System.Text.Json.Nodes.JsonObject { ["Edge"] = settings }.ToJsonString());
        edge._edge = ChildProcess.Start("edge", "mtc.dll", ["edge", "--config", path]);
        edge.Uri = await edge._edge.ListeningOnAsync(Pipeline.StartTimeout);
        return edge;
    }

    public async Task<JsonElement> StatusAsync() => await Http.GetFromJsonAsync<JsonElement>(new Uri(Uri, "/api/status"));

    /// <summary>The one source's entry of <c>/api/status</c>.</summary>
    public async Task<JsonElement> SourceAsync() => (await StatusAsync()).GetProperty("sources").EnumerateArray().Single();

    /// <summary>Polls the source's entry until <paramref name="done"/> holds; returns it.</summary>
    public async Task<JsonElement> WaitForSourceAsync(Func<JsonElement, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await SourceAsync();
            if (done(last))
            {
                return last;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"waited {timeout} for {what}; the source is {last}\n{Process.Output}");
    }

    public static string State(JsonElement source) => source.GetProperty("state").GetString()!;

    public static string Error(JsonElement source) => source.TryGetProperty("lastError", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";

    public static long Observations(JsonElement source) => source.GetProperty("observations").GetInt64();

    /// <summary>
    /// Waits until the source is connected with no error and has delivered new observations twice, some seconds apart:
    /// it collects normally again.
    /// </summary>
    public async Task WaitCollectingAsync(TimeSpan timeout)
    {
        var first = await WaitForSourceAsync(s => State(s) == "connected" && Error(s).Length == 0 && Observations(s) > 0, timeout, "collection to resume");
        var before = Observations(first);
        await WaitForSourceAsync(s => State(s) == "connected" && Observations(s) > before, timeout, "new observations after recovery");
    }

    /// <summary>The edge's peak resident set (VmHWM) so far.</summary>
    public long PeakRssBytes() => ProcStatusKb("VmHWM") * 1024;

    public long RssBytes() => ProcStatusKb("VmRSS") * 1024;

    private long ProcStatusKb(string field)
    {
        var line = File.ReadLines($"/proc/{Process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>Asserts the bound and returns the peak in MiB for the test's output.</summary>
    public double AssertPeakRssBounded()
    {
        var peak = PeakRssBytes();
        Assert.True(peak < RssBoundBytes, $"the edge's peak RSS was {peak / 1048576.0:0} MiB, over the bound of {RssBoundBytes / 1048576} MiB");
        return peak / 1048576.0;
    }

    /// <summary>The outbox files on disk together (what the quota bounds).</summary>
    public long OutboxFileBytes() =>
        new[] { "", "-wal", "-shm" }.Select(s => new FileInfo(OutboxPath + s)).Where(f => f.Exists).Sum(f => f.Length);

    /// <summary>Outbox records of <paramref name="kind"/> (payload JSON), in storage order.</summary>
    public List<JsonElement> Records(string kind) => Mtc.Edge.Tests.Outbox.OutboxRecords.Read(OutboxPath, kind);

    public async ValueTask DisposeAsync()
    {
        _edge?.Dispose();
        Http.Dispose();
        await Task.Yield();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
