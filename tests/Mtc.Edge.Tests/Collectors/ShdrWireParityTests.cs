using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Mtc.Simulator;

namespace Mtc.Edge.Tests.Collectors;

/// <summary>
/// The same SHDR lines reach the edge twice: straight from an adapter over TCP (the edge's SHDR collector), and through
/// an MTConnect agent (the simulator fed by the same adapter lines, collected by the edge's agent collector). The wire
/// records both produce must agree field by field, apart from what only the numbering and the clock decide.
/// </summary>
public sealed class ShdrWireParityTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private const string DevicesXml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <MTConnectDevices xmlns="urn:mtconnect.org:MTConnectDevices:2.0">
          <Header creationTime="2024-01-01T00:00:00Z" sender="test" instanceId="1" version="2.0" assetBufferSize="8" assetCount="0" bufferSize="1024"/>
          <Devices>
            <Device id="d1" name="M1" uuid="m1-uuid">
              <DataItems>
                <DataItem category="EVENT" id="d1_avail" name="avail" type="AVAILABILITY"/>
                <DataItem category="EVENT" id="d1_alarm" name="alarm" type="ALARM"/>
              </DataItems>
              <Components>
                <Controller id="c1" name="controller">
                  <DataItems>
                    <DataItem category="CONDITION" id="d1_sys" name="sys" type="SYSTEM"/>
                    <DataItem category="EVENT" id="d1_msg" name="msg" type="MESSAGE"/>
                  </DataItems>
                  <Components>
                    <Path id="p1" name="path">
                      <DataItems>
                        <DataItem category="EVENT" id="d1_exec" name="exec" type="EXECUTION"/>
                        <DataItem category="EVENT" id="d1_program" name="program" type="PROGRAM"/>
                        <DataItem category="EVENT" id="d1_pcount" name="pcount" type="PART_COUNT"/>
                        <DataItem category="EVENT" id="d1_vars" name="vars" type="VARIABLE" representation="DATA_SET"/>
                      </DataItems>
                    </Path>
                  </Components>
                </Controller>
                <Axes id="a1" name="axes">
                  <Components>
                    <Linear id="x" name="X">
                      <DataItems>
                        <DataItem category="SAMPLE" id="d1_xts" name="Xts" type="POSITION" subType="ACTUAL" units="MILLIMETER" representation="TIME_SERIES" sampleRate="100"/>
                        <DataItem category="CONDITION" id="d1_xload" name="load" type="LOAD"/>
                      </DataItems>
                    </Linear>
                  </Components>
                </Axes>
              </Components>
            </Device>
          </Devices>
        </MTConnectDevices>
        """;

    // Every kind of entry, lowercase "unavailable" where an agent still reads UNAVAILABLE, a key given by id, an unknown key.
    private static readonly string[] Lines =
    [
        "2024-01-01T00:00:00.000Z|avail|AVAILABLE|exec|ACTIVE|program|O1234|pcount|0",
        "2024-01-01T00:00:01.000Z|msg|M17|Door open",
        "2024-01-01T00:00:02.000Z|alarm|OTHER|A100|CRITICAL|ACTIVE|Spindle overload",
        "2024-01-01T00:00:03.000Z|sys|FAULT|E42|2|HIGH|Overheat",
        "2024-01-01T00:00:04.000Z|Xts|3|100|1.5 2.5 3.5",
        "2024-01-01T00:00:05.000Z|pcount|1|exec|READY",
        "2024-01-01T00:00:06.000Z|msg|unavailable",
        "2024-01-01T00:00:07.000Z|alarm|unavailable",
        "2024-01-01T00:00:08.000Z|sys|NORMAL||||",
        "2024-01-01T00:00:09.000Z|load|unavailable||||",
        "2024-01-01T00:00:10.000Z|vars|a=1 b=2",
        "2024-01-01T00:00:11.000Z|Xts|UNAVAILABLE",
        "2024-01-01T00:00:12.000Z|exec|unavailable|nosuchkey|1",
        "2024-01-01T00:00:13.000Z|d1_exec|ACTIVE",
    ];

    // What an agent publishes for the lines above, written out by hand:
    // (line, dataItemId, name, category, type, subType, value, level, nativeCode, nativeSeverity, qualifier).
    private static readonly Expected[] Published =
    [
        new(0, "d1_avail", "avail", "EVENT", "AVAILABILITY", null, "AVAILABLE"),
        new(0, "d1_exec", "exec", "EVENT", "EXECUTION", null, "ACTIVE"),
        new(0, "d1_program", "program", "EVENT", "PROGRAM", null, "O1234"),
        new(0, "d1_pcount", "pcount", "EVENT", "PART_COUNT", null, "0"),
        new(1, "d1_msg", "msg", "EVENT", "MESSAGE", null, "Door open", NativeCode: "M17"),
        new(2, "d1_alarm", "alarm", "EVENT", "ALARM", null, "Spindle overload", NativeCode: "A100"),
        new(3, "d1_sys", "sys", "CONDITION", "SYSTEM", null, "Overheat", "FAULT", "E42", "2", "HIGH"),
        new(4, "d1_xts", "Xts", "SAMPLE", "POSITION", "ACTUAL", "1.5 2.5 3.5"),
        new(5, "d1_pcount", "pcount", "EVENT", "PART_COUNT", null, "1"),
        new(5, "d1_exec", "exec", "EVENT", "EXECUTION", null, "READY"),
        new(6, "d1_msg", "msg", "EVENT", "MESSAGE", null, "UNAVAILABLE"),
        new(7, "d1_alarm", "alarm", "EVENT", "ALARM", null, "UNAVAILABLE"),
        new(8, "d1_sys", "sys", "CONDITION", "SYSTEM", null, null, "NORMAL"),
        new(9, "d1_xload", "load", "CONDITION", "LOAD", null, null, "UNAVAILABLE"),
        new(10, "d1_vars", "vars", "EVENT", "VARIABLE", null, "a=1 b=2"),
        new(11, "d1_xts", "Xts", "SAMPLE", "POSITION", "ACTUAL", "UNAVAILABLE"),
        new(12, "d1_exec", "exec", "EVENT", "EXECUTION", null, "UNAVAILABLE"),
        new(13, "d1_exec", "exec", "EVENT", "EXECUTION", null, "ACTIVE"),
    ];

    // The fields that say what was observed (sequence, instanceId and timestamp say when and in which numbering).
    private static readonly string[] Fields =
        ["kind", "machineId", "dataItemId", "name", "category", "type", "subType", "value", "level", "nativeCode", "nativeSeverity", "qualifier", "conditionId"];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Adapter_source_and_agent_source_send_the_same_wire_records_for_the_same_shdr_lines()
    {
        var devices = _dir.Sub("Devices.xml");
        await File.WriteAllTextAsync(devices, DevicesXml);
        var items = System.Xml.Linq.XDocument.Parse(DevicesXml).Descendants().Where(e => e.Name.LocalName == "DataItem")
            .Select(e => (Id: (string)e.Attribute("id")!, Category: (string)e.Attribute("category")!, Type: (string)e.Attribute("type")!))
            .ToList();

        // The adapter the edge reads directly, and the one the simulator (an agent) reads.
        using var edgeAdapter = new TcpListener(IPAddress.Loopback, 0);
        using var agentAdapter = new TcpListener(IPAddress.Loopback, 0);
        edgeAdapter.Start();
        agentAdapter.Start();

        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Port = 0,
            DevicesFile = devices,
            Adapter = $"127.0.0.1:{((IPEndPoint)agentAdapter.LocalEndpoint).Port}",
        });
        var direct = await StartEdgeAsync("direct", new { Host = "127.0.0.1", Port = ((IPEndPoint)edgeAdapter.LocalEndpoint).Port, Devices = devices, Timeout = "00:00:30" }, null);
        var viaAgent = await StartEdgeAsync("agent", null, new { Url = simulator.BaseAddress.ToString(), Interval = "00:00:00.1", PollInterval = "00:00:00.1", Heartbeat = "00:00:02", Count = 1000 });
        try
        {
            // The agent collector has stored the device model and the current snapshot: what it collects from now on is the adapter's.
            await WaitForAsync(() => Records("agent", "deviceModel").Count > 0 ? 1 : 0, 1);
            var before = Records("agent", "observation").Count;

            using var toEdge = await edgeAdapter.AcceptTcpClientAsync();
            using var toAgent = await agentAdapter.AcceptTcpClientAsync();
            foreach (var line in Lines)
            {
                var bytes = Encoding.ASCII.GetBytes(line + "\n");
                await toEdge.GetStream().WriteAsync(bytes);
                await toAgent.GetStream().WriteAsync(bytes);
            }

            var fromAdapter = await WaitForAsync(() => Records("direct", "observation"), Published.Length);
            // A streams document groups observations by component: the agent's sequence gives their order.
            var fromAgent = BySequence((await WaitForAsync(() => Records("agent", "observation"), before + Published.Length)).Skip(before));

            // Each source publishes exactly what was written out by hand, in order...
            Assert.Equal(Published.Select(e => e.Fields()), fromAdapter.Select(Project));
            Assert.Equal(Published.Select(e => e.Fields()), fromAgent.Take(Published.Length).Select(Project));
            // ... stamped with the line's timestamp (the agent stamps on arrival), numbered 1, 2, 3, ... by the edge.
            Assert.Equal(Published.Select(e => DateTimeOffset.Parse(Lines[e.Line].Split('|')[0], System.Globalization.CultureInfo.InvariantCulture)),
                fromAdapter.Select(r => r.GetProperty("timestamp").GetDateTimeOffset()));
            Assert.Equal(Enumerable.Range(1, Published.Length).Select(i => (long)i), fromAdapter.Select(r => r.GetProperty("sequence").GetInt64()));

            // The adapter goes away: both record every data item of the device UNAVAILABLE (conditions at that level).
            toEdge.Close();
            toAgent.Close();
            var goneDirect = (await WaitForAsync(() => Records("direct", "observation"), Published.Length + items.Count)).Skip(Published.Length).Take(items.Count);
            var goneAgent = BySequence((await WaitForAsync(() => Records("agent", "observation"), before + Published.Length + items.Count)).Skip(before))
                .Skip(Published.Length).Take(items.Count);
            var expectedGone = items.Select(i => (i.Id, i.Type, i.Category == "CONDITION" ? null : "UNAVAILABLE", i.Category == "CONDITION" ? "UNAVAILABLE" : null))
                .OrderBy(i => i.Id, StringComparer.Ordinal);
            Assert.Equal(expectedGone, Unavailable(goneDirect));
            Assert.Equal(expectedGone, Unavailable(goneAgent));
            Assert.Equal(goneDirect.Select(Project).Order(StringComparer.Ordinal), goneAgent.Select(Project).Order(StringComparer.Ordinal));

            // The analyzer sees the same values from both: the same closed events (what the agent's current snapshot held
            // before the adapter's first line is left out), with the same data apart from durations. The first line brings
            // ACTIVE and program O1234 in one timestamp group: a cycle opens there, not seen starting (the first value), so it
            // ends partial, with the part counted before READY; it is sent once the part-attribution window has passed.
            var firstData = fromAgent[0].GetProperty("timestamp").GetDateTimeOffset();
            string[] closed =
            [
                "status status=ACTIVE", "part count=1 counter=1 reset=False",
                "alarm conditionType=SYSTEM dataItemId=d1_sys level=FAULT message=Overheat nativeCode=E42 nativeSeverity=2 ongoing=False",
                "status status=ALARM", "status status=IDLE", "status status=OFFLINE", "cycle completion=partial parts=1 program=O1234",
                "status status=ACTIVE",
            ];
            Assert.Equal(closed, await WaitForAsync(() => ClosedEvents("direct", DateTimeOffset.MinValue), closed.Length));
            Assert.Equal(closed, await WaitForAsync(() => ClosedEvents("agent", firstData), closed.Length));
        }
        finally
        {
            await direct.StopAsync();
            await viaAgent.StopAsync();
            await direct.DisposeAsync();
            await viaAgent.DisposeAsync();
        }
    }

    /// <summary>The derived events that have ended, starting at or after <paramref name="from"/>: type and data without durations.</summary>
    private List<string> ClosedEvents(string edge, DateTimeOffset from) =>
    [
        .. Records(edge, "derivedEvent").Select(r => r.GetProperty("event"))
            .Where(e => e.GetProperty("end").ValueKind != JsonValueKind.Null && e.GetProperty("start").GetDateTimeOffset() >= from)
            .Select(e => string.Join(' ', e.EnumerateObject().Where(p => p.NameEquals("data")).SelectMany(p => p.Value.EnumerateObject())
                .Where(p => !p.Name.EndsWith("econds", StringComparison.Ordinal))
                .Select(p => $"{p.Name}={p.Value}").Order(StringComparer.Ordinal).Prepend(e.GetProperty("type").GetString()))),
    ];

    private static List<JsonElement> BySequence(IEnumerable<JsonElement> records) =>
        [.. records.OrderBy(r => r.GetProperty("sequence").GetInt64())];

    private static IEnumerable<(string, string, string?, string?)> Unavailable(IEnumerable<JsonElement> records) => records
        .Select(r => (r.GetProperty("dataItemId").GetString()!, r.GetProperty("type").GetString()!, Text(r, "value"), Text(r, "level")))
        .OrderBy(r => r.Item1, StringComparer.Ordinal);

    private async Task<WebApplication> StartEdgeAsync(string name, object? adapter, object? agent)
    {
        var config = _dir.Sub(name + ".json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Edge = new
            {
                Id = name,
                DataDirectory = _dir.Sub(name),
                Adapters = adapter is null ? Array.Empty<object>() : [adapter],
                Agents = agent is null ? Array.Empty<object>() : [agent],
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        }));
        var app = EdgeHost.Build(config);
        await app.StartAsync();
        return app;
    }

    /// <summary>A record's observed fields as one line: <c>name=value</c> for each field, <c>-</c> when absent.</summary>
    private static string Project(JsonElement record) =>
        string.Join(" | ", Fields.Select(f => $"{f}={Text(record, f) ?? "-"}"));

    private static string? Text(JsonElement record, string field) =>
        record.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetString() : null;

    private static async Task<T> WaitForAsync<T>(Func<T> read, int count)
        where T : notnull
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var found = read();
            var n = found switch { int i => i, System.Collections.ICollection c => c.Count, _ => 0 };
            if (n >= count)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{n} found, expected {count}");
            }
            await Task.Delay(100);
        }
    }

    private List<JsonElement> Records(string edge, string kind)
    {
        var path = Path.Combine(_dir.Sub(edge), "outbox.db");
        if (!File.Exists(path))
        {
            return [];
        }
        using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT payload FROM records WHERE kind = $kind ORDER BY seq";
        cmd.Parameters.AddWithValue("$kind", kind);
        using var r = cmd.ExecuteReader();
        var list = new List<JsonElement>();
        while (r.Read())
        {
            list.Add(JsonDocument.Parse((byte[])r.GetValue(0)).RootElement.Clone());
        }
        return list;
    }

    private sealed record Expected(
        int Line, string Id, string Name, string Category, string Type, string? SubType, string? Value,
        string? Level = null, string? NativeCode = null, string? NativeSeverity = null, string? Qualifier = null)
    {
        public string Fields() => string.Join(" | ",
            $"kind=observation", "machineId=M1", $"dataItemId={Id}", $"name={Name}", $"category={Category}", $"type={Type}",
            $"subType={SubType ?? "-"}", $"value={Value ?? "-"}", $"level={Level ?? "-"}", $"nativeCode={NativeCode ?? "-"}",
            $"nativeSeverity={NativeSeverity ?? "-"}", $"qualifier={Qualifier ?? "-"}", "conditionId=-");
    }
}
