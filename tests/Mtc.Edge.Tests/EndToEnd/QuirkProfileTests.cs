using System.Text.Json;
using System.Xml.Linq;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// The exactly-once scenarios against agents that read the standard differently from ours: the simulator in each quirk
/// profile (<c>cppagent</c>, and <c>mtconnect.net</c> as MTConnect.NET was observed to behave), simulator, cloud and edge as
/// real processes. Every sequence the agent served is in the cloud once, or inside a gap record with its exact count.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class QuirkProfileTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    public static TheoryData<string, bool> ProfilesAndModes => new()
    {
        { "cppagent", true }, { "cppagent", false }, { "mtconnect.net", true }, { "mtconnect.net", false },
    };

    public static TheoryData<string> Profiles => new() { "cppagent", "mtconnect.net" };

    [Theory]
    [MemberData(nameof(ProfilesAndModes))]
    public async Task Killing_the_edge_long_enough_to_need_several_pages_loses_nothing(string profile, bool streaming)
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "21", "--speed", "100", "--quirks", profile);
        await p.StartCloudAsync();
        await p.StartEdgeAsync(streaming: streaming, count: 100);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);

        // kill -9; the agent serves more than three pages (count=100) before the edge is back.
        p.Edge!.Kill();
        var cursor = await p.SimLastSequenceAsync();
        await Pipeline.WaitUntilAsync(async () => await p.SimLastSequenceAsync() > cursor + 450, Long, p.Logs);
        await p.StartEdgeAsync(streaming: streaming, count: 100);

        var (_, compared) = await p.AssertExactlyOnceAsync(first, Long);
        Assert.True(compared > 550, $"only {compared} sequences were compared");
        Assert.Empty(p.CloudGaps());
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task An_agent_restart_is_collected_from_the_new_instance_first_sequence(string profile)
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "22", "--speed", "100", "--quirks", profile);
        await p.StartCloudAsync();
        await p.StartEdgeAsync(count: 100);
        await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);
        var before = p.CloudObservations().Keys.Select(k => k.Instance).Distinct().Single();

        // The edge is away while the agent restarts and its new instance fills several pages of its buffer.
        p.Edge!.Kill();
        await p.PostSimAsync("/_sim/restart");
        var after = await InstanceAsync(p);
        Assert.NotEqual(before, after);
        await Pipeline.WaitUntilAsync(async () => await p.SimLastSequenceAsync() > 400, Long, p.Logs);
        await p.StartEdgeAsync(count: 100);

        // Everything the new instance served from its first sequence on.
        var (last, compared) = await p.AssertExactlyOnceAsync(1, Long);
        Assert.True(compared > 400, $"only {compared} sequences of the new instance {after} were compared (through {last})");
        var gap = Assert.Single(p.CloudGaps());
        Assert.Equal(JsonValueKind.Null, gap.GetProperty("missed").ValueKind);
        Assert.Equal(before, gap.GetProperty("instanceId").GetString());
        Assert.Equal(2, gap.GetProperty("machines").GetArrayLength());
        Assert.Contains("restarted", gap.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_buffer_overrun_is_a_gap_with_the_exact_missed_count(string profile)
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "9", "--speed", "60", "--buffer", "128", "--quirks", profile);
        await p.StartCloudAsync();
        await p.StartEdgeAsync(heartbeat: "00:00:05");
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);

        // The agent holds its stream back while the machines keep producing: the edge falls out of the 128-slot buffer.
        await p.PostSimAsync("/_sim/stall?seconds=4");
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudGaps().Count > 0), Long, p.Logs);
        await Task.Delay(1000);
        AssertDeliveredOrInExactGaps(p, first);
    }

    [Theory]
    [MemberData(nameof(ProfilesAndModes))]
    public async Task Collecting_an_idle_agent_is_not_a_failure(string profile, bool streaming)
    {
        await using var p = new Pipeline();
        // A device model and no data source: after its first observations the agent has nothing new.
        await p.StartSimAsync("--devices", Path.Combine(AppContext.BaseDirectory, "TestData", "cppagent", "demo", "agent", "Devices.xml"), "--quirks", profile);
        await p.StartCloudAsync();
        await p.StartEdgeAsync(streaming: streaming, heartbeat: "00:00:01");
        await p.EdgeContinuedFromAsync();
        await Task.Delay(TimeSpan.FromSeconds(6));

        var source = (await p.EdgeStatusAsync()).GetProperty("sources").EnumerateArray().Single();
        Assert.Equal("connected", source.GetProperty("state").GetString());
        Assert.False(source.TryGetProperty("lastError", out var error) && error.ValueKind != JsonValueKind.Null, $"lastError: {error}");
        Assert.DoesNotContain("reconnecting", p.Edge!.Output, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(p.Edge.Output, @"connected \(instance"));
    }

    [Theory]
    [InlineData("cppagent", "1.3")]
    [InlineData("mtconnect.net", "1.3")]
    [InlineData("mtconnect.net", "1.7")]
    [InlineData("mtconnect.net", "2.7")]
    public async Task The_agent_device_is_never_a_machine(string profile, string version)
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "23", "--speed", "100", "--quirks", profile, "--version", version);
        await p.StartCloudAsync();
        await p.StartEdgeAsync(count: 100);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 300), Long, p.Logs);
        await p.AssertExactlyOnceAsync(first, Long);

        var (machines, _) = p.CloudDerivedEvents();
        Assert.Equal(2, machines.Count);
        Assert.DoesNotContain(machines, m => m.Contains("agent", StringComparison.OrdinalIgnoreCase));
        var edgeMachines = (await p.EdgeStatusAsync()).GetProperty("machines").EnumerateArray()
            .Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(2, edgeMachines.Count);
    }

    private static async Task<string> InstanceAsync(Pipeline p) =>
        (string)XDocument.Parse(await p.Http.GetStringAsync(new Uri(p.SimUri, "/current")))
            .Descendants().First(e => e.Name.LocalName == "Header").Attribute("instanceId")!;

    /// <summary>
    /// Every sequence from the first streamed one to the last delivered is delivered once or inside a gap, and the gaps'
    /// missed counts add up to exactly the absent ones.
    /// </summary>
    private static void AssertDeliveredOrInExactGaps(Pipeline p, long first)
    {
        var instance = p.CloudObservations().Keys.Select(k => k.Instance).Distinct().Single();
        var last = p.CloudObservations().Keys.Max(k => k.Seq);
        var delivered = p.CloudObservations().Where(kv => kv.Key.Instance == instance && kv.Key.Seq >= first && kv.Key.Seq <= last)
            .ToDictionary(kv => kv.Key.Seq, kv => kv.Value);
        Assert.All(delivered.Values, n => Assert.Equal(1, n));
        var gaps = p.CloudGaps().Where(g => g.GetProperty("fromSequence").ValueKind == JsonValueKind.Number).ToList();
        Assert.NotEmpty(gaps);
        var inGaps = new HashSet<long>();
        foreach (var g in gaps)
        {
            var from = g.GetProperty("fromSequence").GetInt64();
            var to = g.GetProperty("toSequence").GetInt64();
            Assert.Equal(to - from + 1, g.GetProperty("missed").GetInt64());
            Assert.Equal(instance, g.GetProperty("instanceId").GetString());
            for (var s = from; s <= to; s++)
            {
                Assert.True(inGaps.Add(s), $"sequence {s} is in two gaps");
                Assert.False(delivered.ContainsKey(s), $"sequence {s} was delivered and is in a gap");
            }
        }
        var absent = Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i).Where(s => !delivered.ContainsKey(s)).ToList();
        Assert.Equal(absent.Count, gaps.Where(g => g.GetProperty("toSequence").GetInt64() <= last).Sum(g => g.GetProperty("missed").GetInt64()));
        Assert.All(absent, s => Assert.Contains(s, inGaps));
    }
}
