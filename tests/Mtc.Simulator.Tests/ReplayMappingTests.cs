using System.IO.Compression;
using Mtc.Core.Model;
using Mtc.Core.Shdr;
using Mtc.Core.Xml;

namespace Mtc.Simulator.Tests;

/// <summary>
/// The simulator serves, for a replayed SHDR log, exactly the observations Core's <see cref="ShdrObservations"/> makes
/// of the same lines: same data items, values and conditions, in the same order.
/// </summary>
public sealed class ReplayMappingTests
{
    private const string Devices = """
        <?xml version="1.0" encoding="UTF-8"?>
        <MTConnectDevices xmlns="urn:mtconnect.org:MTConnectDevices:2.0">
          <Header creationTime="2026-03-02T10:00:00Z" sender="test" instanceId="1" version="2.0.0.0" bufferSize="1024" assetBufferSize="16" assetCount="0"/>
          <Devices>
            <Device id="m1" name="M1" uuid="m1-uuid">
              <DataItems>
                <DataItem id="avail" type="AVAILABILITY" category="EVENT"/>
              </DataItems>
              <Components>
                <Controller id="c1">
                  <DataItems>
                    <DataItem id="exec" name="exec" type="EXECUTION" category="EVENT"/>
                    <DataItem id="pc" name="pcount" type="PART_COUNT" category="EVENT"/>
                    <DataItem id="msg" name="msg" type="MESSAGE" category="EVENT"/>
                    <DataItem id="alm" name="alarm" type="ALARM" category="EVENT"/>
                    <DataItem id="sys" name="system" type="SYSTEM" category="CONDITION"/>
                    <DataItem id="ld" name="load" type="LOAD" category="SAMPLE" units="PERCENT"/>
                    <DataItem id="xts" name="xts" type="POSITION" subType="ACTUAL" category="SAMPLE" units="MILLIMETER" representation="TIME_SERIES" sampleRate="100"/>
                    <DataItem id="vars" name="vars" type="VARIABLE" category="EVENT" representation="DATA_SET"/>
                  </DataItems>
                </Controller>
              </Components>
            </Device>
          </Devices>
        </MTConnectDevices>
        """;

    // Values, and every form in which an agent publishes UNAVAILABLE: values and time series in any case, a message's
    // text, an alarm's code or text, a condition's level.
    private static readonly string[] Log =
    [
        "2026-03-02T10:00:00.000Z|avail|AVAILABLE|exec|ACTIVE|pcount|1",
        "2026-03-02T10:00:00.100Z|msg|M12|Door open",
        "2026-03-02T10:00:00.200Z|msg|UNAVAILABLE",
        "2026-03-02T10:00:00.300Z|msg|M13|unavailable",
        "2026-03-02T10:00:00.400Z|alarm|OTHER|A1|CRITICAL|ACTIVE|Spindle overload",
        "2026-03-02T10:00:00.500Z|alarm|UNAVAILABLE||||",
        "2026-03-02T10:00:00.600Z|alarm|OTHER|A2|WARNING|ACTIVE|UNAVAILABLE",
        "2026-03-02T10:00:00.700Z|system|FAULT|1010|HIGH|OVER|Spindle overload",
        "2026-03-02T10:00:00.800Z|system|WARNING|2020||LOW|Coolant low|system|NORMAL||||",
        "2026-03-02T10:00:00.900Z|system|unavailable||||",
        "2026-03-02T10:00:01.000Z|load|12.5|xts|3|100|1.5 2.5 3.5",
        "2026-03-02T10:00:01.100Z|vars|a=1 b=2 c|load|UNAVAILABLE|xts|||UNAVAILABLE",
        "2026-03-02T10:00:01.200Z|exec|unavailable|pcount|2|vars|UNAVAILABLE|unknown|7",
    ];

    [Fact]
    public async Task A_replayed_log_serves_exactly_what_Cores_mapping_yields()
    {
        var dir = Directory.CreateTempSubdirectory("mtc-replay-map-").FullName;
        try
        {
            var devices = Path.Combine(dir, "Devices.xml");
            var log = Path.Combine(dir, "log.txt");
            await File.WriteAllTextAsync(devices, Devices);
            await File.WriteAllLinesAsync(log, Log);
            var served = await AssertServedAsCoreMapsAsync(devices, log, "M1");

            // Counted by hand from the lines above: 21 entries with a known key.
            Assert.Equal(21, served.Count);
            Assert.Equal(["Door open", "UNAVAILABLE", "UNAVAILABLE"], served.Where(k => k.DataItemId == "msg").Select(k => k.Value));
            Assert.Equal(["M12", "M13"], served.Where(k => k.DataItemId == "msg").Select(k => k.NativeCode).OfType<string>());
            Assert.Equal(["Spindle overload", "UNAVAILABLE", "UNAVAILABLE"], served.Where(k => k.DataItemId == "alm").Select(k => k.Value));
            Assert.Equal(["Fault", "Warning", "Normal", "Unavailable"], served.Where(k => k.DataItemId == "sys").Select(k => k.ElementName));
            Assert.Equal(["ACTIVE", "UNAVAILABLE"], served.Where(k => k.DataItemId == "exec").Select(k => k.Value));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_okuma_log_replayed_serves_exactly_what_Cores_mapping_yields()
    {
        // The first 400 lines of a real capture (values, conditions, time-series-like vectors, assets).
        var dir = Directory.CreateTempSubdirectory("mtc-replay-map-").FullName;
        try
        {
            var log = Path.Combine(dir, "okuma-head.txt");
            using (var reader = new StreamReader(new GZipStream(File.OpenRead(TestAgent.Data("cppagent", "demo", "agent", "okuma.txt.gz")), CompressionMode.Decompress)))
            {
                var head = new List<string>();
                while (head.Count < 400 && await reader.ReadLineAsync() is { } line)
                {
                    head.Add(line);
                }

                await File.WriteAllLinesAsync(log, head);
            }

            await AssertServedAsCoreMapsAsync(TestAgent.Data("cppagent", "demo", "agent", "Devices.xml"), log, "OKUMA");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<List<Key>> AssertServedAsCoreMapsAsync(string devicesFile, string log, string deviceName)
    {
        var expected = CoreMapping(devicesFile, log, deviceName);
        Assert.NotEmpty(expected);

        await using var agent = await TestAgent.StartAsync(new SimulatorOptions
        {
            DevicesFile = devicesFile, ShdrLog = log, Device = deviceName, Speed = 100_000, Version = "2.5",
        });
        var probe = await agent.ProbeAsync();
        // Sequences 1..n are the UNAVAILABLE every data item starts with; the replay follows.
        var initial = probe.Devices.SelectMany(d => d.AllDataItems()).Count();
        var assetItems = probe.Devices.SelectMany(d => d.AllDataItems())
            .Where(i => i.Type.StartsWith("ASSET_", StringComparison.Ordinal)).Select(i => i.Id).ToHashSet();

        List<Key> served = [];
        var deadline = DateTime.UtcNow + TestAgent.Patience;
        while (true)
        {
            var sample = await agent.StreamsAsync($"{deviceName}/sample?from={initial + 1}&count=100000");
            served = [.. sample.Observations()
                .Where(o => o.Sequence > initial && !assetItems.Contains(o.DataItemId))
                .OrderBy(o => o.Sequence)
                .Select(Key.Of)];
            if (served.Count >= expected.Count)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{served.Count} of {expected.Count} observations served within {TestAgent.Patience}");
            await Task.Delay(100);
        }

        Assert.Equal(expected, served);
        return served;
    }

    /// <summary>What Core makes of the log: every entry of a data line whose key the device knows, in order.</summary>
    private static List<Key> CoreMapping(string devicesFile, string log, string deviceName)
    {
        using var file = File.OpenRead(devicesFile);
        var device = MtConnectXml.ReadDevices(file).Devices.Single(d => d.Name == deviceName);
        var resolver = new DeviceShdrKeyResolver(device);
        using var text = new StreamReader(log);
        using var reader = new ShdrReader(text, resolver);
        var keys = new List<Key>();
        while (reader.TryRead(out var result))
        {
            if (result.Line is not ShdrDataLine data)
            {
                continue;
            }

            foreach (var entry in data.Entries)
            {
                if (entry.Device is null && resolver.TryGetDataItem(deviceName, entry.Key, out var item))
                {
                    keys.Add(Key.Of(entry.ToObservation(item, data.Timestamp)));
                }
            }
        }

        return keys;
    }

    /// <summary>What must match: data item, element (a condition's level), value and the condition's attributes.</summary>
    private sealed record Key(string DataItemId, string ElementName, string? Value, ConditionLevel? Level, string? NativeCode, string? NativeSeverity, string? Qualifier)
    {
        public static Key Of(Observation o) => new(
            o.DataItemId, o.ElementName, string.IsNullOrEmpty(o.Value) ? null : o.Value, o.Level, o.NativeCode, o.NativeSeverity, o.Qualifier);
    }
}
