using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Mtc.Core.Analytics;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;
using Mtc.Edge.Uplink;

namespace Mtc.Edge.Tests.Status;

/// <summary>The status page and <c>/api/status</c> of an edge with 500 machines say the same thing about each one.</summary>
public sealed partial class ManyMachinesStatusTests : IDisposable
{
    private static readonly string[] Statuses = [MachineStatus.Active, MachineStatus.Idle, MachineStatus.Setup, MachineStatus.Alarm, MachineStatus.Offline];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_status_page_lists_every_one_of_500_machines_as_the_api_reports_it()
    {
        var time = TimeProvider.System;
        using var store = OutboxStore.Open(_dir.Path, 1L << 30, "NORMAL");
        var stats = new OutboxStatsCache(store, time);
        var state = new EdgeState(time);
        var source = state.Source("agent:http://127.0.0.1:5000/", "agent", "http://127.0.0.1:5000/");
        source.State = "connected";
        for (var i = 0; i < 500; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"M{i:000}");
            state.SetMachine(new SetupMachine(id, "Lathe " + id, "uuid-" + id));
            if (i % 7 == 6)
            {
                continue; // no data yet
            }
            state.MachineData(id, source.Key, i + 1);
            state.SetSnapshot(id, new MachineSnapshot
            {
                Device = id,
                Status = Statuses[i % Statuses.Length],
                Since = DateTime.UtcNow.AddMinutes(-i),
                Program = "O" + (1000 + i).ToString(CultureInfo.InvariantCulture),
                TotalParts = i * 3,
            });
        }
        var options = Options.Create(new EdgeOptions { Id = "plant-1" });

        var json = JsonSerializer.Serialize(EdgeApi.Status(options, state, stats, store, time).Value, EdgeJsonContext.Default.EdgeStatusReport);
        var api = JsonDocument.Parse(json).RootElement.GetProperty("machines").EnumerateArray().ToList();
        var html = EdgeApi.Page(options, state, stats, store, time).ResponseContent!;
        var rows = MachineRow().Matches(html).ToDictionary(m => m.Groups["id"].Value, m => m, StringComparer.Ordinal);

        Assert.Equal(500, api.Count);
        Assert.Equal(api.Select(m => m.GetProperty("id").GetString()), MachineRow().Matches(html).Select(m => m.Groups["id"].Value));
        foreach (var m in api)
        {
            var row = rows[m.GetProperty("id").GetString()!];
            var status = m.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            Assert.Equal(status ?? "no data yet", WebUtility.HtmlDecode(row.Groups["status"].Value));
            Assert.Equal(m.TryGetProperty("program", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : "", row.Groups["program"].Value);
            Assert.Equal(m.TryGetProperty("parts", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64().ToString(CultureInfo.InvariantCulture) : "", row.Groups["parts"].Value);
            Assert.Equal(m.GetProperty("observations").GetInt64().ToString(CultureInfo.InvariantCulture), row.Groups["observations"].Value);
        }
        Assert.Equal(500 - 500 / 7, api.Count(m => m.GetProperty("observations").GetInt64() > 0));
    }

    [GeneratedRegex("""<tr data-machine="(?<id>[^"]*)">.*?<td class="status[^"]*"[^>]*>(?<status>[^<]*)</td><td class="program">(?<program>[^<]*)</td><td class="parts">(?<parts>[^<]*)</td>.*?<td class="observations">(?<observations>\d+)</td>""")]
    private static partial Regex MachineRow();
}
