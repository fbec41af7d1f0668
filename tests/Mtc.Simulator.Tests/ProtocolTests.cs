using System.Net;
using System.Xml.Linq;

namespace Mtc.Simulator.Tests;

public sealed class ProtocolTests
{
    [Fact]
    public async Task Probe_lists_every_generated_machine_in_the_served_namespace()
    {
        await using var agent = await TestAgent.GenerateAsync(3);
        var probe = await agent.GetOkAsync("probe");

        Assert.Equal("urn:mtconnect.org:MTConnectDevices:2.5", probe.Root!.Name.NamespaceName);
        Assert.Contains("MTConnectDevices_2.5.xsd", probe.Root.Attribute(XName.Get("schemaLocation", "http://www.w3.org/2001/XMLSchema-instance"))!.Value);
        var devices = probe.Root.Named("Device").ToList();
        Assert.Equal(3, devices.Count);
        foreach (var device in devices)
        {
            var types = device.Named("DataItem").Select(d => d.Attribute("type")!.Value).ToHashSet();
            Assert.Superset(new HashSet<string> { "AVAILABILITY", "EXECUTION", "CONTROLLER_MODE", "FUNCTIONAL_MODE", "PROGRAM", "PART_COUNT", "EMERGENCY_STOP", "SYSTEM", "ROTARY_VELOCITY", "POSITION" }, types);
        }

        var header = probe.Header();
        Assert.Equal(131072, header.Attr("bufferSize"));
        Assert.True(header.Attr("instanceId") > 0);
    }

    [Fact]
    public async Task Current_has_a_value_for_every_data_item_and_headers_agree()
    {
        await using var agent = await TestAgent.GenerateAsync(2);
        var probe = await agent.GetOkAsync("probe");
        var ids = probe.Root!.Named("DataItem").Select(d => d.Attribute("id")!.Value).ToHashSet();
        var current = await agent.GetOkAsync("current");

        var header = current.Header();
        Assert.Equal(header.Attr("nextSequence") - 1, header.Attr("lastSequence"));
        var observed = current.Observations().Select(o => o.Attribute("dataItemId")!.Value).ToHashSet();
        Assert.Equal(ids, observed);
        Assert.All(current.Observations(), o => Assert.True(o.Attr("sequence") <= header.Attr("lastSequence")));
    }

    [Fact]
    public async Task Current_at_a_sequence_shows_the_values_as_they_were_then()
    {
        await using var agent = await TestAgent.GenerateAsync(2, speed: 50);
        await agent.WaitForCurrentAsync(d => d.Header().Attr("lastSequence") > 300);
        var sample = await agent.GetOkAsync("sample?from=1&count=300");
        var at = 250L;
        var expected = sample.Observations()
            .Where(o => o.Attr("sequence") <= at && o.Parent!.Name.LocalName != "Condition")
            .GroupBy(o => o.Attribute("dataItemId")!.Value)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Attr("sequence")).Last().Value);

        var current = await agent.GetOkAsync($"current?at={at}");
        var actual = current.Observations()
            .Where(o => o.Parent!.Name.LocalName != "Condition")
            .ToDictionary(o => o.Attribute("dataItemId")!.Value, o => o.Value);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        Assert.All(current.Observations(), o => Assert.True(o.Attr("sequence") <= at));
    }

    [Fact]
    public async Task Sample_pages_chain_by_nextSequence_with_no_gap_and_no_repeat()
    {
        await using var agent = await TestAgent.GenerateAsync(3, speed: 50);
        await agent.WaitForCurrentAsync(d => d.Header().Attr("lastSequence") > (20 * 37) + 1);

        var seen = new List<long>();
        var from = 1L;
        for (var page = 0; page < 20; page++)
        {
            var document = await agent.GetOkAsync($"sample?from={from}&count=37");
            var sequences = document.Observations().Select(o => o.Attr("sequence")).Order().ToList();
            Assert.Equal(37, sequences.Count);
            Assert.Equal(from, sequences[0]);
            var next = document.Header().Attr("nextSequence");
            Assert.Equal(sequences[^1] + 1, next);
            seen.AddRange(sequences);
            from = next;
        }

        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task Device_scoped_requests_answer_only_that_device()
    {
        await using var agent = await TestAgent.GenerateAsync(3);
        var probe = await agent.GetOkAsync("probe");
        var name = probe.Root!.Named("Device").ElementAt(1).Attribute("name")!.Value;

        var deviceProbe = await agent.GetOkAsync($"{name}/probe");
        Assert.Equal([name], deviceProbe.Root!.Named("Device").Select(d => d.Attribute("name")!.Value));
        var current = await agent.GetOkAsync($"{name}/current");
        Assert.Equal([name], current.Root!.Named("DeviceStream").Select(d => d.Attribute("name")!.Value));
        var sample = await agent.GetOkAsync($"{name}/sample?count=50");
        Assert.Equal([name], sample.Root!.Named("DeviceStream").Select(d => d.Attribute("name")!.Value).Distinct());
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("2.6")]
    [InlineData("1.3")]
    public async Task Out_of_range_at_firstSequence_minus_one_in_the_schema_of_the_version(string version)
    {
        await using var agent = await TestAgent.GenerateAsync(3, speed: 200, version: version, buffer: 64);
        var current = await agent.WaitForCurrentAsync(d => d.Header().Attr("firstSequence") > 10);
        var first = current.Header().Attr("firstSequence");

        var (status, error) = await agent.GetAsync($"sample?from={first - 1}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"urn:mtconnect.org:MTConnectError:{version}", error.Root!.Name.NamespaceName);
        var entry = error.Root.Named("Errors").Single().Elements().Single();
        Assert.Equal("OUT_OF_RANGE", entry.Attribute("errorCode")!.Value);
        if (version == "2.6")
        {
            Assert.Equal("OutOfRange", entry.Name.LocalName);
            var parameter = entry.Named("QueryParameter").Single();
            Assert.Equal("from", parameter.Attribute("name")!.Value);
            Assert.Equal(first - 1, long.Parse(parameter.Named("Value").Single().Value));
            // The buffer moves on between the two requests: the minimum is at least the first sequence seen.
            Assert.True(long.Parse(parameter.Named("Minimum").Single().Value) >= first);
            Assert.True(long.Parse(parameter.Named("Maximum").Single().Value) > first);
        }
        else
        {
            Assert.Equal("Error", entry.Name.LocalName);
            Assert.Contains("'from'", entry.Value);
        }
    }

    [Fact]
    public async Task From_beyond_nextSequence_is_out_of_range_and_at_nextSequence_is_an_empty_page()
    {
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { DevicesFile = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml") });
        var next = (await agent.GetOkAsync("current")).Header().Attr("nextSequence");

        var empty = await agent.GetOkAsync($"sample?from={next}");
        Assert.Empty(empty.Observations());
        Assert.Equal(next, empty.Header().Attr("nextSequence"));

        var (status, error) = await agent.GetAsync($"sample?from={next + 1}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("OUT_OF_RANGE", error.Root!.Named("Error").Single().Attribute("errorCode")!.Value);
    }

    [Theory]
    [InlineData("2.5", "sample?from=abc", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("2.5", "sample?count=ten", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("2.6", "current?at=x", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("2.5", "NoSuchMachine/current", HttpStatusCode.NotFound, "NO_DEVICE")]
    [InlineData("2.6", "NoSuchMachine/sample", HttpStatusCode.NotFound, "NO_DEVICE")]
    [InlineData("2.5", "asset/nope", HttpStatusCode.NotFound, "ASSET_NOT_FOUND")]
    [InlineData("2.5", "sample?count=0", HttpStatusCode.BadRequest, "OUT_OF_RANGE")]
    public async Task Bad_requests_answer_the_error_code_and_status_of_the_reference_agent(string version, string path, HttpStatusCode expected, string code)
    {
        await using var agent = await TestAgent.GenerateAsync(1, version: version);
        var (status, error) = await agent.GetAsync(path);
        Assert.Equal(expected, status);
        Assert.Equal("MTConnectError", error.Root!.Name.LocalName);
        Assert.Equal(code, error.Root.Named("Errors").Single().Elements().Single().Attribute("errorCode")!.Value);
    }
}
