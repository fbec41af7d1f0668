using System.Net;
using System.Xml.Linq;
using Mtc.Core.Model;

namespace Mtc.Simulator.Tests;

public sealed class ProtocolTests
{
    [Fact]
    public async Task Probe_lists_every_generated_machine_in_the_served_namespace()
    {
        await using var agent = await TestAgent.GenerateAsync(3);
        var served = await agent.GetAsync("probe");
        var probe = Assert.IsType<DevicesDocument>(served.Document);

        Assert.Equal("2.5", probe.Version);
        Assert.Equal("urn:mtconnect.org:MTConnectDevices:2.5", served.Xml.Root!.Name.NamespaceName);
        Assert.Contains("MTConnectDevices_2.5.xsd", served.Xml.Root.Attribute(XName.Get("schemaLocation", "http://www.w3.org/2001/XMLSchema-instance"))!.Value);
        // A 2.x agent lists its own Agent device first, then the machines.
        Assert.True(probe.Devices[0].IsAgent);
        Assert.Contains(probe.Devices[0].AllDataItems(), d => d.Type == "AVAILABILITY");
        var machines = probe.Devices.Where(d => !d.IsAgent).ToList();
        Assert.Equal(3, machines.Count);
        foreach (var device in machines)
        {
            var types = device.AllDataItems().Select(d => d.Type).ToHashSet();
            Assert.Superset(new HashSet<string> { "AVAILABILITY", "EXECUTION", "CONTROLLER_MODE", "FUNCTIONAL_MODE", "PROGRAM", "PART_COUNT", "EMERGENCY_STOP", "SYSTEM", "ROTARY_VELOCITY", "POSITION" }, types);
            Assert.Contains(device.AllDataItems(), d => d.Category == DataItemCategory.Condition);
        }

        // Every machine has its cutting tools as assets, and says so on its ASSET_CHANGED data item.
        await agent.WaitForCurrentAsync(d => d.Observations().Count(o => o.ElementName == "AssetChanged" && !o.IsUnavailable) == machines.Count);
        var assets = await agent.GetOkAsync<AssetsDocument>("assets?count=1000");
        Assert.Equal(machines.Select(m => m.Uuid).ToHashSet(), assets.Assets.Select(a => a.DeviceUuid).ToHashSet());
        Assert.All(assets.Assets, a => Assert.Equal("CuttingTool", a.AssetType));
        Assert.Equal(131072, probe.Header.BufferSize);
        Assert.True(probe.Header.InstanceId > 0);
        // The XML agrees with what the library read.
        Assert.Equal(probe.Devices.SelectMany(d => d.AllDataItems()).Count(), served.Xml.Root.Named("DataItem").Count());
    }

    [Fact]
    public async Task Current_has_a_value_for_every_data_item_and_headers_agree()
    {
        await using var agent = await TestAgent.GenerateAsync(2);
        var probe = await agent.ProbeAsync();
        var ids = probe.Devices.SelectMany(d => d.AllDataItems()).Select(d => d.Id).ToHashSet();
        var current = await agent.StreamsAsync("current");

        Assert.Equal(current.Header.NextSequence - 1, current.Header.LastSequence);
        Assert.Equal(ids, current.Observations().Select(o => o.DataItemId).ToHashSet());
        Assert.All(current.Observations(), o => Assert.True(o.Sequence <= current.Header.LastSequence));
    }

    [Fact]
    public async Task Current_at_a_sequence_shows_the_values_as_they_were_then()
    {
        await using var agent = await TestAgent.GenerateAsync(2, speed: 50);
        await agent.WaitForCurrentAsync(d => d.Header.LastSequence > 300);
        var sample = await agent.StreamsAsync("sample?from=1&count=300");
        const long At = 250;
        var expected = sample.Observations()
            .Where(o => o.Sequence <= At && o.Category != DataItemCategory.Condition)
            .GroupBy(o => o.DataItemId)
            .ToDictionary(g => g.Key, g => g.MaxBy(o => o.Sequence)!.Value);

        var current = await agent.StreamsAsync($"current?at={At}");
        var actual = current.Observations()
            .Where(o => o.Category != DataItemCategory.Condition)
            .ToDictionary(o => o.DataItemId, o => o.Value);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        Assert.All(current.Observations(), o => Assert.True(o.Sequence <= At));
    }

    [Fact]
    public async Task Sample_pages_chain_by_nextSequence_with_no_gap_and_no_repeat()
    {
        await using var agent = await TestAgent.GenerateAsync(3, speed: 50);
        await agent.WaitForCurrentAsync(d => d.Header.LastSequence > (20 * 37) + 1);

        var seen = new List<long>();
        var from = 1L;
        for (var page = 0; page < 20; page++)
        {
            var document = await agent.StreamsAsync($"sample?from={from}&count=37");
            var sequences = document.Observations().Select(o => o.Sequence).Order().ToList();
            Assert.Equal(37, sequences.Count);
            Assert.Equal(from, sequences[0]);
            Assert.Equal(sequences[^1] + 1, document.Header.NextSequence);
            seen.AddRange(sequences);
            from = document.Header.NextSequence!.Value;
        }

        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task Device_scoped_requests_answer_only_that_device()
    {
        await using var agent = await TestAgent.GenerateAsync(3);
        var name = (await agent.ProbeAsync()).Devices.Where(d => !d.IsAgent).ElementAt(1).Name!;

        Assert.Equal([name], (await agent.ProbeAsync($"{name}/probe")).Devices.Select(d => d.Name));
        Assert.Equal([name], (await agent.StreamsAsync($"{name}/current")).Streams.Select(s => s.Name));
        Assert.Equal([name], (await agent.StreamsAsync($"{name}/sample?count=50")).Streams.Select(s => s.Name).Distinct());
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("2.6")]
    [InlineData("1.3")]
    public async Task Out_of_range_at_firstSequence_minus_one_in_the_schema_of_the_version(string version)
    {
        await using var agent = await TestAgent.GenerateAsync(3, speed: 200, version: version, buffer: 64);
        var current = await agent.WaitForCurrentAsync(d => d.Header.FirstSequence > 10);
        var first = current.Header.FirstSequence!.Value;

        var served = await agent.GetAsync($"sample?from={first - 1}");

        Assert.Equal(HttpStatusCode.BadRequest, served.Status);
        var error = Assert.IsType<ErrorDocument>(served.Document);
        Assert.Equal(version, error.Version);
        var entry = Assert.Single(error.Errors);
        Assert.Equal(AgentErrorCodes.OutOfRange, entry.Code);
        var element = Assert.Single(served.Xml.Root!.Named("Errors").Single().Elements());
        if (version == "2.6")
        {
            Assert.Equal("OutOfRange", element.Name.LocalName);
            var parameter = entry.Parameter!;
            Assert.Equal("from", parameter.Name);
            Assert.Equal((first - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), parameter.Value);
            // The buffer moves on between the two requests: the minimum is at least the first sequence seen.
            Assert.True(parameter.Minimum >= first);
            Assert.True(parameter.Maximum > first);
        }
        else
        {
            Assert.Equal("Error", element.Name.LocalName);
            Assert.Contains("'from'", entry.Message);
        }
    }

    [Fact]
    public async Task From_beyond_nextSequence_is_out_of_range_and_at_nextSequence_is_an_empty_page()
    {
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { DevicesFile = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml") });
        var next = (await agent.StreamsAsync("current")).Header.NextSequence!.Value;

        var empty = await agent.StreamsAsync($"sample?from={next}");
        Assert.Empty(empty.Observations());
        Assert.Equal(next, empty.Header.NextSequence);

        var served = await agent.GetAsync($"sample?from={next + 1}");
        Assert.Equal(HttpStatusCode.BadRequest, served.Status);
        Assert.True(Assert.IsType<ErrorDocument>(served.Document).Has(AgentErrorCodes.OutOfRange));
    }

    [Theory]
    [InlineData("2.5", "sample?from=abc", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("2.5", "sample?count=ten", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("2.6", "current?at=x", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("2.6", "sample?interval=soon", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("2.5", "NoSuchMachine/current", HttpStatusCode.NotFound, "NO_DEVICE")]
    [InlineData("2.6", "NoSuchMachine/sample", HttpStatusCode.NotFound, "NO_DEVICE")]
    [InlineData("1.3", "NoSuchMachine/probe", HttpStatusCode.NotFound, "NO_DEVICE")]
    [InlineData("2.5", "asset/nope", HttpStatusCode.NotFound, "ASSET_NOT_FOUND")]
    [InlineData("2.5", "sample?count=0", HttpStatusCode.BadRequest, "OUT_OF_RANGE")]
    [InlineData("2.5", "a/b/c", HttpStatusCode.NotFound, "INVALID_URI")]
    public async Task Bad_requests_answer_the_error_code_and_status_of_the_reference_agent(string version, string path, HttpStatusCode expected, string code)
    {
        await using var agent = await TestAgent.GenerateAsync(1, version: version);
        var served = await agent.GetAsync(path);
        Assert.Equal(expected, served.Status);
        var error = Assert.IsType<ErrorDocument>(served.Document);
        Assert.Equal(code, Assert.Single(error.Errors).Code);
        Assert.Equal(code, served.Xml.Root!.Named("Errors").Single().Elements().Single().Attribute("errorCode")!.Value);
    }
}
