using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Mtc.Edge.Tests.Collectors;

/// <summary>The edge host in process against a real TCP adapter played by the test.</summary>
public sealed class ShdrCollectorTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string Devices =
        Path.Combine(AppContext.BaseDirectory, "TestData", "cppagent", "test_package", "resources", "samples", "two_devices.xml");

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A started edge whose one adapter source is Device1 of <see cref="Devices"/>, fed by whoever accepts on <paramref name="listener"/>.</summary>
    private async Task<WebApplication> StartEdgeAsync(TcpListener listener)
    {
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var config = _dir.Sub("edge.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Edge = new
            {
                Id = "e1",
                DataDirectory = "./data",
                Adapters = new[] { new { Host = "127.0.0.1", Port = port, Devices, Device = "Device1", Timeout = "00:00:30", UnavailableAfter = "00:00:00.5" } },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        }));
        var app = EdgeHost.Build(config);
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Adapter_disconnect_records_every_item_unavailable_then_values_again_after_reconnect()
    {
        var device1Items = XDocument.Load(Devices).Descendants().Single(e => e.Name.LocalName == "Device" && (string?)e.Attribute("name") == "Device1")
            .Descendants().Where(e => e.Name.LocalName == "DataItem").Select(e => (string)e.Attribute("id")!).ToHashSet();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var app = await StartEdgeAsync(listener);

        using (var adapter = await listener.AcceptTcpClientAsync())
        {
            var stream = adapter.GetStream();
            var lines = new StreamReader(stream, Encoding.ASCII);
            Assert.Equal("* PING", await lines.ReadLineAsync());
            await Send(stream, "* PING\n");
            Assert.StartsWith("* PONG", await lines.ReadLineAsync(), StringComparison.Ordinal);
            // One line split across two writes, and an unknown key that maps to nothing.
            await Send(stream, "2024-01-01T00:00:00Z|avail|AVAILABLE|exec|ACT");
            await Task.Delay(200);
            await Send(stream, "IVE|mode|AUTOMATIC|nosuchkey|1\n");
            await WaitForObservations(3);
            // Available, executing ACTIVE in automatic mode: the machine is ACTIVE since the line's time (DESIGN §5).
            var active = await WaitForMachineStatusAsync(app, "ACTIVE");
            Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), active.GetProperty("statusSince").GetDateTimeOffset());
        }

        var afterDisconnect = await WaitForObservations(3 + device1Items.Count);
        // Every item UNAVAILABLE once the adapter is gone: OFFLINE.
        await WaitForMachineStatusAsync(app, "OFFLINE");
        var unavailable = afterDisconnect.Skip(3).ToList();
        Assert.Equal(device1Items, unavailable.Select(o => o.GetProperty("dataItemId").GetString()!).ToHashSet());
        Assert.All(unavailable, o => Assert.Equal("UNAVAILABLE", o.GetProperty("value").GetString()));

        using (var again = await listener.AcceptTcpClientAsync())
        {
            await Send(again.GetStream(), "2024-01-01T00:00:01Z|exec|READY\n");
            var all = await WaitForObservations(4 + device1Items.Count);
            var last = all[^1];
            Assert.Equal(("d1-5", "READY"), (last.GetProperty("dataItemId").GetString(), last.GetProperty("value").GetString()));
            // The edge numbers the observations itself: 1, 2, 3, ... without holes, across the reconnect.
            Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(o => o.GetProperty("sequence").GetInt64()));
            Assert.Equal(["AVAILABLE", "ACTIVE", "AUTOMATIC"], all.Take(3).Select(o => o.GetProperty("value").GetString()));
            // The control reports again, READY (not executing): IDLE.
            await WaitForMachineStatusAsync(app, "IDLE");
        }
        await app.StopAsync();
    }

    [Fact]
    public async Task Lines_with_control_characters_in_a_key_are_counted_and_skipped_and_values_keep_theirs()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var app = await StartEdgeAsync(listener);

        using (var adapter = await listener.AcceptTcpClientAsync())
        {
            var stream = adapter.GetStream();
            // NUL and other control bytes as an adapter with a broken buffer might send them: in keys they spoil the line,
            // in a value they are the value's text.
            await Send(stream,
                "2024-01-01T00:00:00Z|avail|AVAILABLE\n" +
                "2024-01-01T00:00:01Z|ex\0ec|ACTIVE\n" +
                "2024-01-01T00:00:02Z|exec|ACT\0IVE\n" +
                "2024-01-01T00:00:03Z|\u0001mode|AUTOMATIC|avail|UNAVAILABLE\n" +
                "\0\0\0\n" +
                "2024-01-01T00:00:04Z|mode|MANUAL\n");
            var observations = await WaitForObservations(3);
            Assert.Equal(["AVAILABLE", "ACT\0IVE", "MANUAL"], observations.Select(o => o.GetProperty("value").GetString()));
            var source = Assert.Single(app.Services.GetRequiredService<Mtc.Edge.Status.EdgeState>().Sources);
            Assert.Equal(3, source.MalformedLines);
            Assert.Equal("connected", source.State);
            using (var http = new HttpClient())
            {
                var status = JsonDocument.Parse(await http.GetStringAsync(app.Urls.First().TrimEnd('/') + "/api/status")).RootElement;
                Assert.Equal(3, Assert.Single(status.GetProperty("sources").EnumerateArray()).GetProperty("malformedLines").GetInt64());
                var page = await http.GetStringAsync(app.Urls.First().TrimEnd('/') + "/");
                Assert.Contains("<td class=\"malformed bad\">3</td>", page, StringComparison.Ordinal);
            }

            // The connection is still up: the next good line arrives too.
            await Send(stream, "2024-01-01T00:00:05Z|exec|READY\n");
            var all = await WaitForObservations(4);
            Assert.Equal("READY", all[^1].GetProperty("value").GetString());
            Assert.Equal(4, all.Count);
        }
        await app.StopAsync();
    }

    /// <summary>Polls <c>/api/status</c> until Device1's machine reports <paramref name="status"/>; returns that machine's entry.</summary>
    private static async Task<JsonElement> WaitForMachineStatusAsync(WebApplication app, string status)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + Wait;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var report = JsonDocument.Parse(await http.GetStringAsync(app.Urls.First().TrimEnd('/') + "/api/status")).RootElement;
            var machine = Assert.Single(report.GetProperty("machines").EnumerateArray());
            last = machine.TryGetProperty("status", out var s) ? s.GetString() : null;
            if (last == status)
            {
                return machine.Clone();
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the machine's status in /api/status is {last ?? "absent"}, expected {status}");
    }

    private static Task Send(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private async Task<List<JsonElement>> WaitForObservations(int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        List<JsonElement> found = [];
        while (DateTime.UtcNow < deadline)
        {
            found = ReadObservations();
            if (found.Count >= count)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{found.Count} observations in the outbox, expected {count}");
    }

    private List<JsonElement> ReadObservations()
    {
        using var db = new SqliteConnection($"Data Source={_dir.Sub("data/outbox.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT payload FROM records WHERE kind = 'observation' ORDER BY seq";
        using var r = cmd.ExecuteReader();
        var list = new List<JsonElement>();
        while (r.Read())
        {
            list.Add(JsonDocument.Parse((byte[])r.GetValue(0)).RootElement.Clone());
        }
        return list;
    }
}
