using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Tests.Collectors.Mqtt;

/// <summary>The edge host in process, reading one broker; what it stored (its outbox) and what it reports (/api/status).</summary>
internal sealed class MqttEdge : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new();
    private readonly string _dataDir;
    private WebApplication? _app;

    private MqttEdge(string dataDir)
    {
        _dataDir = dataDir;
    }

    public record StoredObservation(string MachineId, string InstanceId, long Sequence, string DataItemId, string? Value);

    /// <summary>Starts an edge on <paramref name="dir"/> (again: the same data directory, so the same outbox and cursors).</summary>
    public static async Task<MqttEdge> StartAsync(TempDirectory dir, int brokerPort, long maxDocumentBytes = 256L * 1024 * 1024, string[]? devices = null, string topics = "Documents")
    {
        var config = dir.Sub("edge.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Edge = new
            {
                Id = "e1",
                DataDirectory = "./data",
                MaxDocumentBytes = maxDocumentBytes,
                Mqtt = new[] { new { Host = "127.0.0.1", Port = brokerPort, KeepAlive = "00:00:02", Timeout = "00:00:02", Devices = devices ?? [], Topics = topics } },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        }));
        var edge = new MqttEdge(dir.Sub("data"));
        await edge.StartAppAsync(config);
        return edge;
    }

    private async Task StartAppAsync(string config)
    {
        _app = EdgeHost.Build(config);
        await _app.StartAsync();
    }

    public async Task<JsonElement> SourceAsync()
    {
        var status = JsonDocument.Parse(await _http.GetStringAsync(_app!.Urls.First().TrimEnd('/') + "/api/status")).RootElement;
        return status.GetProperty("sources").EnumerateArray().Single().Clone();
    }

    public async Task WaitForSourceAsync(Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await SourceAsync();
            if (done(last))
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{what} not reached: {last}");
    }

    public async Task<List<StoredObservation>> WaitForObservationsAsync(Func<List<StoredObservation>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        var last = new List<StoredObservation>();
        while (DateTime.UtcNow < deadline)
        {
            last = Observations();
            if (done(last))
            {
                return last;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{what} not reached: {last.Count} observations, last {string.Join(", ", last.TakeLast(3))}; source {await SourceAsync()}");
    }

    public async Task<List<JsonElement>> WaitForRecordsAsync(string kind, int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var records = Records(kind);
            if (records.Count >= count || DateTime.UtcNow > deadline)
            {
                return records;
            }
            await Task.Delay(50);
        }
    }

    public List<StoredObservation> Observations() =>
        [.. Records("observation").Select(o => new StoredObservation(o.GetProperty("machineId").GetString()!, o.GetProperty("instanceId").GetString()!,
            o.GetProperty("sequence").GetInt64(), o.GetProperty("dataItemId").GetString()!,
            o.TryGetProperty("value", out var v) ? v.ToString() : null))];

    public List<JsonElement> Records(string kind) => Mtc.Edge.Tests.Outbox.OutboxRecords.Read(Path.Combine(_dataDir, "outbox.db"), kind);

    /// <summary>Stops the edge (as a service stop does); <see cref="StartAsync"/> on the same directory starts it again.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
            SqliteConnection.ClearAllPools();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
    }
}
