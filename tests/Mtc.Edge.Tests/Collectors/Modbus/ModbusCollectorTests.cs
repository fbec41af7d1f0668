using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Tests.Collectors.Modbus;

/// <summary>The edge host in process, polling a real pymodbus module: what each machine counts, and what a user sees in /api/status.</summary>
public sealed class ModbusCollectorTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private async Task<WebApplication> StartEdgeAsync(int port)
    {
        var config = _dir.Sub("edge.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Edge = new
            {
                Id = "e1",
                DataDirectory = "./data",
                Counters = new[]
                {
                    new
                    {
                        Host = "127.0.0.1", Port = port, PollInterval = "00:00:00.1", Timeout = "00:00:00.5", UnavailableAfter = "00:00:00.5",
                        Channels = new[] { new { MachineId = "press-1", Name = "Press 1", Channel = 0 }, new { MachineId = "press-2", Name = "", Channel = 5 } },
                    },
                },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        }));
        var app = EdgeHost.Build(config);
        await app.StartAsync();
        return app;
    }

    private async Task<JsonElement> StatusAsync(WebApplication app) =>
        JsonDocument.Parse(await _http.GetStringAsync(app.Urls.First().TrimEnd('/') + "/api/status")).RootElement;

    private static JsonElement Machine(JsonElement status, string id) =>
        status.GetProperty("machines").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);

    /// <summary>Waits until <paramref name="machine"/>'s status entry satisfies <paramref name="done"/>; returns it.</summary>
    private async Task<JsonElement> WaitForAsync(WebApplication app, string machine, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = Machine(await StatusAsync(app), machine);
            if (done(last))
            {
                return last.Clone();
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{machine} not reached: {last}");
    }

    private static long Parts(JsonElement m) => m.TryGetProperty("parts", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : -1;

    private static long? PartCount(JsonElement m) => m.TryGetProperty("partCount", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null;

    private static string? Status(JsonElement m) => m.TryGetProperty("status", out var s) ? s.GetString() : null;

    [Fact]
    public async Task Increments_a_reset_and_a_wrap_at_2_32_count_exactly_the_parts_made()
    {
        using var server = await ModbusServer.StartAsync(0, 1, "1:0:100", "1:5:4294967290");
        await using var app = await StartEdgeAsync(server.Port);
        // The first poll is the baseline: no parts from the absolute values.
        var m1 = await WaitForAsync(app, "press-1", m => PartCount(m) == 100);
        Assert.Equal(0, Parts(m1));
        Assert.Equal(4294967290, PartCount(await WaitForAsync(app, "press-2", m => PartCount(m) is not null)));

        await server.SetAsync(0, 103);
        await WaitForAsync(app, "press-1", m => Parts(m) == 3);
        await server.SetAsync(0, 2); // a reset: 2 made since
        await WaitForAsync(app, "press-1", m => Parts(m) == 5);
        await server.SetAsync(0, 4);
        m1 = await WaitForAsync(app, "press-1", m => Parts(m) == 7);
        Assert.Equal(107, PartCount(m1)); // the running count never goes down
        Assert.Equal("ACTIVE", Status(m1));

        await server.SetAsync(5, 5, 1); // through 2^32: 6 to reach it, 5 after
        var m2 = await WaitForAsync(app, "press-2", m => Parts(m) == 11);
        Assert.Equal(4294967290L + 11, PartCount(m2));

        var source = (await StatusAsync(app)).GetProperty("sources").EnumerateArray().Single();
        Assert.Equal("modbus", source.GetProperty("kind").GetString());
        Assert.Equal($"127.0.0.1:{server.Port} unit 1", source.GetProperty("address").GetString());
    }

    [Fact]
    public async Task An_exception_answer_makes_the_machines_offline_with_the_reason_and_counting_resumes_after()
    {
        using var server = await ModbusServer.StartAsync(0, 1, "1:0:10");
        await using var app = await StartEdgeAsync(server.Port);
        await WaitForAsync(app, "press-1", m => PartCount(m) == 10);
        await server.SetAsync(0, 12);
        await WaitForAsync(app, "press-1", m => Parts(m) == 2 && Status(m) == "ACTIVE");

        await server.ModeAsync("exception", 4);
        await server.SetAsync(0, 15); // made while the module refused to answer
        await WaitForAsync(app, "press-1", m => Status(m) == "OFFLINE");
        var source = (await StatusAsync(app)).GetProperty("sources").EnumerateArray().Single();
        Assert.Contains("exception 04 (server device failure)", source.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("OFFLINE", Status(Machine(await StatusAsync(app), "press-2")));
        // The status page lists the module with the sources, and why it fails.
        var page = await _http.GetStringAsync(app.Urls.First().TrimEnd('/') + "/");
        Assert.Contains($"<tr data-source=\"modbus:127.0.0.1:{server.Port}/1\"><td>127.0.0.1:{server.Port} unit 1</td>", page, StringComparison.Ordinal);
        Assert.Contains("server device failure", page, StringComparison.Ordinal);

        await server.ModeAsync("normal");
        var back = await WaitForAsync(app, "press-1", m => Parts(m) == 5);
        Assert.NotEqual("OFFLINE", Status(back));
        Assert.Equal(15, PartCount(back));
    }

    [Fact]
    public async Task A_killed_module_makes_its_machines_offline_and_a_restarted_one_is_counted_on()
    {
        var port = ModbusServer.FreePort();
        var server = await ModbusServer.StartAsync(port, 1, "1:0:500");
        await using var app = await StartEdgeAsync(port);
        try
        {
            await WaitForAsync(app, "press-1", m => PartCount(m) == 500);
            server.Kill();
            await WaitForAsync(app, "press-1", m => Status(m) == "OFFLINE");
            await WaitForAsync(app, "press-2", m => Status(m) == "OFFLINE");
        }
        finally
        {
            server.Dispose();
        }
        // Back with 4 more parts on its counter.
        using var again = await ModbusServer.StartAsync(port, 1, "1:0:504");
        var m1 = await WaitForAsync(app, "press-1", m => Parts(m) == 4);
        Assert.Equal(504, PartCount(m1));
        Assert.NotEqual("OFFLINE", Status(m1));
    }

    [Fact]
    public async Task Parts_made_while_the_edge_was_down_are_counted_at_its_first_poll_after_the_restart()
    {
        using var server = await ModbusServer.StartAsync(0, 1, "1:0:50");
        await using (var app = await StartEdgeAsync(server.Port))
        {
            await WaitForAsync(app, "press-1", m => PartCount(m) == 50);
            await server.SetAsync(0, 53);
            await WaitForAsync(app, "press-1", m => Parts(m) == 3);
            await app.StopAsync();
        }
        await server.SetAsync(0, 61);
        await using (var app = await StartEdgeAsync(server.Port))
        {
            var m1 = await WaitForAsync(app, "press-1", m => PartCount(m) == 61);
            Assert.Equal(11, Parts(m1)); // 3 before, 8 while the edge was down: none lost, none twice
        }
        // The outbox holds each part count once, as the running count; the parts events add up to the 11.
        await using var db = new SqliteConnection($"Data Source={_dir.Sub("data/outbox.db")};Pooling=False");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT payload FROM records WHERE kind = 'derivedEvent' AND machine_id = 'press-1'";
        var parts = 0L;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                var e = JsonDocument.Parse((byte[])r.GetValue(0)).RootElement.GetProperty("event");
                if (e.GetProperty("type").GetString() == "part")
                {
                    parts += e.GetProperty("data").GetProperty("count").GetInt64();
                }
            }
        }
        Assert.Equal(11, parts);
    }
}
