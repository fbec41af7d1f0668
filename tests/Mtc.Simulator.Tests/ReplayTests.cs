using System.IO.Compression;
using System.Xml.Linq;
using Mtc.Core.Model;

namespace Mtc.Simulator.Tests;

public sealed class ReplayTests
{
    private static readonly string OkumaDevices = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml");
    private static readonly string OkumaLog = TestAgent.Data("cppagent", "demo", "agent", "okuma.txt.gz");
    private static readonly string NistDevices = TestAgent.Data("nist-smstestbed", "mtconnect", "agent", "Devices.xml");
    private static readonly string MazakLog = TestAgent.Data("nist-smstestbed", "raw", "Mazak01", "Mazak01-20170622-20170623.txt.gz");

    /// <summary>The data item ids a devices file declares, read with XDocument.</summary>
    private static HashSet<string> DeclaredIds(string devicesFile) =>
        XDocument.Load(devicesFile).Root!.Named("DataItem").Select(e => e.Attribute("id")!.Value).ToHashSet();

    private static string IdOf(string devicesFile, string key) =>
        XDocument.Load(devicesFile).Root!.Named("DataItem")
            .First(e => (string?)e.Attribute("name") == key || e.Attribute("id")!.Value == key).Attribute("id")!.Value;

    /// <summary>The last value the log gives a key that takes one field, read straight from the file.</summary>
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
        var probe = await agent.ProbeAsync();
        Assert.Equal(DeclaredIds(OkumaDevices), probe.Devices.Where(d => !d.IsAgent).SelectMany(d => d.AllDataItems()).Select(d => d.Id).ToHashSet());
        Assert.Equal(["Agent", "OKUMA", "Mazak"], probe.Devices.Select(d => d.Name));

        // The log's last line is YS1load; wait until the replay got there, then compare with the file.
        var expectedLoad = LastValue(OkumaLog, "YS1load");
        var expectedCount = LastValue(OkumaLog, "ppartcount");
        var loadId = IdOf(OkumaDevices, "YS1load");
        var countId = IdOf(OkumaDevices, "ppartcount");
        var current = await agent.WaitForCurrentAsync(d =>
            d.Observations().Any(o => o.DataItemId == countId && o.Value == expectedCount)
            && d.Observations().Any(o => o.DataItemId == loadId && o.Value == expectedLoad), "OKUMA/current");

        Assert.Contains(current.Observations(), o => o.ElementName == "Availability" && o.Value == "AVAILABLE");
        // Timestamps were moved to now.
        Assert.True(current.Observations().Max(o => o.Timestamp) > DateTime.UtcNow.AddHours(-1));

        // The log's CuttingTool assets are served, for the device the log feeds.
        var assets = await agent.GetOkAsync<AssetsDocument>("assets?count=1000");
        Assert.Contains(assets.Assets, a => a.AssetId == "123456.2201" && a.AssetType == "CuttingTool");
        var one = Assert.Single((await agent.GetOkAsync<AssetsDocument>("asset/123456.2201")).Assets);
        Assert.Equal("OKUMA.123456", one.DeviceUuid);
    }

    [Fact]
    public async Task Nist_Mazak01_log_feeds_the_device_named_on_the_command_line()
    {
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions
        {
            DevicesFile = NistDevices, ShdrLog = MazakLog, Device = "Mazak01", Speed = 2000, Version = "1.3",
        });
        var probe = await agent.ProbeAsync();
        Assert.Equal(8, probe.Devices.Count);
        Assert.DoesNotContain(probe.Devices, d => d.IsAgent); // 1.3 predates the Agent device
        Assert.Equal(DeclaredIds(NistDevices), probe.Devices.SelectMany(d => d.AllDataItems()).Select(d => d.Id).ToHashSet());

        // Mazak01 gets real values; the other devices stay UNAVAILABLE.
        var mazak = await agent.WaitForCurrentAsync(d => d.Observations().Count(o => !o.IsUnavailable) > 20, "Mazak01/current");
        Assert.Equal("1.3", mazak.Version);
        Assert.All(mazak.Observations(), o => Assert.StartsWith("Mazak01", o.DataItemId));
        var other = await agent.StreamsAsync("Hurco01/current");
        Assert.All(other.Observations(), o => Assert.True(o.IsUnavailable));
    }

    [Fact]
    public async Task A_looped_log_starts_over_after_its_end()
    {
        // The okuma log makes parts 0 to 3; looped, the part count falls back to 0 and counts up again.
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { DevicesFile = OkumaDevices, ShdrLog = OkumaLog, Speed = 500, Loop = true });
        var countId = IdOf(OkumaDevices, "ppartcount");
        var expectedLast = LastValue(OkumaLog, "ppartcount");
        var counts = new List<string>();
        var from = 1L;
        var deadline = DateTime.UtcNow + TestAgent.Patience;
        while (!(counts.Contains(expectedLast) && counts.LastIndexOf("0") > counts.IndexOf(expectedLast)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"part counts seen: {string.Join(",", counts)}");
            var page = await agent.StreamsAsync($"sample?from={from}&count=1000");
            counts.AddRange(page.Observations().Where(o => o.DataItemId == countId && !o.IsUnavailable).OrderBy(o => o.Sequence).Select(o => o.Value!));
            from = page.Header.NextSequence!.Value;
            await Task.Delay(50);
        }
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
