using System.Xml.Linq;

namespace Mtc.Simulator.Tests.Validation;

/// <summary>
/// Every kind of document the simulator serves, in every tested schema version and quirk profile, validates against
/// the MTConnect XSD of its version. What differs on purpose is in <see cref="MtConnectSchemas.Deviations"/>, with the reason.
/// </summary>
public sealed class SchemaValidationTests
{
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var version in MtConnectSchemas.Versions)
        {
            foreach (var quirks in new[] { "cppagent", "mtconnect.net" })
            {
                cases.Add(version, quirks);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_document_served_validates_against_the_XSD_of_its_version(string version, string quirks)
    {
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { Generate = 3, Speed = 300, Version = version, Quirks = quirks, BufferSize = 65536 });
        var served = await ServeEverythingAsync(agent);

        var problems = new List<string>();
        foreach (var (what, bytes) in served)
        {
            problems.AddRange(MtConnectSchemas.Validate(bytes, version, what));
        }

        Assert.True(problems.Count == 0, $"{problems.Count} schema problems ({quirks}):\n{string.Join('\n', problems.Distinct().Take(40))}");

        // Every kind was really served (a test that fetched nothing would pass).
        var roots = served.Select(s => XDocument.Load(new MemoryStream(s.Bytes)).Root!).ToList();
        foreach (var root in new[] { "MTConnectDevices", "MTConnectStreams", "MTConnectAssets", "MTConnectError" })
        {
            Assert.Contains(roots, r => r.Name.LocalName == root);
        }

        var codes = served.Select(s => Mtc.Core.Xml.MtConnectXml.Read(s.Bytes)).OfType<Mtc.Core.Model.ErrorDocument>()
            .SelectMany(e => e.Errors).Select(e => (string?)e.Code).ToHashSet();
        Assert.Superset(new HashSet<string?> { "INVALID_REQUEST", "OUT_OF_RANGE", "NO_DEVICE", "UNSUPPORTED", "INVALID_URI", "ASSET_NOT_FOUND" }, codes);
        Assert.Contains(roots, r => r.Descendants().Any(e => e.Name.LocalName == "AssetChanged" && e.Value != "UNAVAILABLE"));
        Assert.Contains(roots, r => r.Descendants().Any(e => e.Name.LocalName is "Fault" or "Warning"));
    }

    /// <summary>GETs every document kind: probe, current (also at= and per device), sample pages and stream parts, assets, every error.</summary>
    private static async Task<List<(string What, byte[] Bytes)>> ServeEverythingAsync(TestAgent agent)
    {
        // Wait until the machines have reported their tools and raised a first alarm or warning, served below.
        var current = await agent.WaitForCurrentAsync(d => d.Observations().Any(o => o.ElementName == "AssetChanged" && !o.IsUnavailable));
        var alarm = await FirstActiveConditionAsync(agent);
        var probe = await agent.ProbeAsync();
        var machine = probe.Devices.First(d => !d.IsAgent).Name;
        var first = current.Header.FirstSequence!.Value;
        var last = current.Header.LastSequence!.Value;
        var assetId = (await agent.GetOkAsync<Mtc.Core.Model.AssetsDocument>("assets")).Assets[0].AssetId;

        var served = new List<(string, byte[])>();
        foreach (var path in new[]
        {
            "probe", $"{machine}/probe", "current", $"{machine}/current", $"current?at={(first + last) / 2}", $"current?at={alarm}",
            $"sample?from={first}&count=100", $"sample?from={alarm}&count=100", $"{machine}/sample?count=50", "sample?count=1",
            "assets", "assets?type=CuttingTool&count=2", $"asset/{assetId}",
            "sample?from=abc", $"sample?from={first - 1}", "sample?count=0", "sample?count=100000", $"current?at={last + 100_000}",
            "nodevice/probe", "nodevice/sample", "current?path=//Axes", "a/b/c", "asset/no-such-asset",
        })
        {
            served.Add((path, await agent.Http.GetByteArrayWithAnyStatusAsync(path)));
        }

        // An empty page: what a stream's heartbeat holds too.
        var idle = await agent.StreamsAsync("current");
        served.Add(("sample past the end", await agent.Http.GetByteArrayWithAnyStatusAsync($"sample?from={idle.Header.NextSequence}&count=10")));

        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        foreach (var path in new[] { "sample?count=20&interval=50&heartbeat=500", "current?interval=100" })
        {
            var (response, parts) = await RawMultipart.OpenAsync(agent.Http, path, timeout.Token);
            using (response)
            await using (parts)
            {
                for (var i = 0; i < 3; i++)
                {
                    served.Add(($"{path} part {i + 1}", (await parts.ReadNextAsync(timeout.Token))!.Body));
                }
            }
        }

        return served;
    }

    /// <summary>The sequence of the first Warning or Fault the machines raise.</summary>
    private static async Task<long> FirstActiveConditionAsync(TestAgent agent)
    {
        var deadline = DateTime.UtcNow + TestAgent.Patience;
        var from = 1L;
        while (true)
        {
            // Continued from the last observation read, not from nextSequence: a quirk profile's may run ahead, and
            // polling past the end is an error there.
            if ((await agent.GetAsync($"sample?from={from}&count=1000")).Document is Mtc.Core.Model.StreamsDocument page && page.Observations().Any())
            {
                if (page.Observations().FirstOrDefault(o => o.Level is Mtc.Core.Model.ConditionLevel.Fault or Mtc.Core.Model.ConditionLevel.Warning) is { } active)
                {
                    return active.Sequence;
                }

                from = page.Observations().Max(o => o.Sequence) + 1;
            }

            Assert.True(DateTime.UtcNow < deadline, "no machine raised an alarm or a warning");
            await Task.Delay(50);
        }
    }
}

internal static class HttpClientExtensions
{
    /// <summary>The body of a GET whatever its status (errors are documents too).</summary>
    public static async Task<byte[]> GetByteArrayWithAnyStatusAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
