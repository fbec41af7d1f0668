using System.IO.Compression;
using System.Xml.Linq;

namespace Mtc.Simulator.Tests;

public sealed class ReplayTests
{
    private static readonly string OkumaDevices = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml");
    private static readonly string OkumaLog = TestAgent.Data("cppagent", "demo", "agent", "okuma.txt.gz");
    private static readonly string NistDevices = TestAgent.Data("nist-smstestbed", "mtconnect", "agent", "Devices.xml");
    private static readonly string MazakLog = TestAgent.Data("nist-smstestbed", "raw", "Mazak01", "Mazak01-20170622-20170623.txt.gz");

    private static HashSet<string> DeclaredIds(string devicesFile, string? device = null) =>
        XDocument.Load(devicesFile).Descendants()
            .Where(e => e.Name.LocalName == "Device" && (device is null || (string?)e.Attribute("name") == device))
            .SelectMany(d => d.Descendants().Where(e => e.Name.LocalName == "DataItem"))
            .Select(e => e.Attribute("id")!.Value)
            .ToHashSet();

    /// <summary>The last value the log gives a simple (one-value) key, read straight from the file.</summary>
    private static string LastValue(string log, string key)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(log), CompressionMode.Decompress));
        string? value = null;
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split('|');
            for (var i = 1; i + 1 < fields.Length; i += 2)
            {
                if (fields[i] == key)
                {
                    value = fields[i + 1];
                }
            }
        }

        return value!;
    }

    [Fact]
    public async Task Replayed_okuma_keeps_the_Devices_xml_ids_and_ends_on_the_logs_last_values()
    {
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { DevicesFile = OkumaDevices, ShdrLog = OkumaLog, Speed = 200, Version = "2.7" });
        var probe = await agent.GetOkAsync("probe");
        var served = probe.Root!.Named("DataItem").Select(e => e.Attribute("id")!.Value).ToHashSet();
        Assert.Equal(DeclaredIds(OkumaDevices), served);
        Assert.Equal(["OKUMA", "Mazak"], probe.Root!.Named("Device").Select(d => d.Attribute("name")!.Value));

        // The log's last line is YS1load; wait until the replay got there, then compare with the file.
        var expectedLoad = LastValue(OkumaLog, "YS1load");
        var expectedCount = LastValue(OkumaLog, "ppartcount");
        var declared = XDocument.Load(OkumaDevices).Descendants().Where(e => e.Name.LocalName == "DataItem").ToList();
        string IdOf(string name) => declared.First(e => (string?)e.Attribute("name") == name || e.Attribute("id")!.Value == name).Attribute("id")!.Value;
        var loadId = IdOf("YS1load");
        var countId = IdOf("ppartcount");

        var current = await agent.WaitForCurrentAsync(d =>
            d.Observations().Any(o => o.Attribute("dataItemId")!.Value == countId && o.Value == expectedCount)
            && d.Observations().Any(o => o.Attribute("dataItemId")!.Value == loadId && o.Value == expectedLoad), "OKUMA/current");
        Assert.Contains(current.Observations(), o => o.Name.LocalName == "Availability" && o.Value == "AVAILABLE");
        // Timestamps were moved to now.
        var newest = current.Observations().Max(o => DateTime.Parse(o.Attribute("timestamp")!.Value).ToUniversalTime());
        Assert.True(newest > DateTime.UtcNow.AddHours(-1), $"newest timestamp {newest:O}");

        // The log's CuttingTool assets are served.
        var assets = await agent.GetOkAsync("assets?count=1000");
        Assert.Contains(assets.Root!.Named("CuttingTool"), a => a.Attribute("assetId")!.Value == "123456.2201");
        var one = await agent.GetOkAsync("asset/123456.2201");
        Assert.Equal("OKUMA.123456", one.Root!.Named("CuttingTool").Single().Attribute("deviceUuid")!.Value);
    }

    [Fact]
    public async Task Nist_Mazak01_log_feeds_the_device_named_on_the_command_line()
    {
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions
        {
            DevicesFile = NistDevices, ShdrLog = MazakLog, Device = "Mazak01", Speed = 2000, Version = "1.3",
        });
        var probe = await agent.GetOkAsync("probe");
        Assert.Equal(8, probe.Root!.Named("Device").Count());
        Assert.Equal(DeclaredIds(NistDevices), probe.Root!.Named("DataItem").Select(e => e.Attribute("id")!.Value).ToHashSet());

        // Mazak01 gets real values; the other devices stay UNAVAILABLE.
        var mazak = await agent.WaitForCurrentAsync(d => d.Observations().Count(o => o.Value is not ("UNAVAILABLE" or "") && o.Name.LocalName != "Unavailable") > 20, "Mazak01/current");
        Assert.All(mazak.Observations(), o => Assert.StartsWith("Mazak01", o.Attribute("dataItemId")!.Value));
        var other = await agent.GetOkAsync("Hurco01/current");
        Assert.All(other.Observations(), o => Assert.True(o.Value == "UNAVAILABLE" || o.Name.LocalName == "Unavailable"));
        Assert.Equal("urn:mtconnect.org:MTConnectStreams:1.3", mazak.Root!.Name.NamespaceName);
    }

    [Fact]
    public async Task A_device_the_file_does_not_have_is_refused_with_the_names_it_has()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SimulatorHost.StartAsync(new SimulatorOptions
        {
            Port = 0, DevicesFile = NistDevices, ShdrLog = MazakLog, Device = "Mazak99",
        }));
        Assert.Contains("Mazak01", error.Message);
    }
}
