using System.Xml.Linq;

namespace Mtc.Simulator.Tests.Validation;

/// <summary>
/// Every kind of document the simulator serves, in every tested schema version and quirk profile, validates against
/// the MTConnect XSD of its version. What differs on purpose is in <see cref="Deviations"/>, with the reason.
/// </summary>
public sealed class SchemaValidationTests
{
    /// <summary>Deliberate deviations from the XSDs: (versions, start of the XSD's message, why). Also listed in docs/simulator.md.</summary>
    private static readonly (Func<string, bool> Versions, string Message, string Reason)[] Deviations =
    [
        (v => v.StartsWith('2'), "The 'schemaVersion' attribute is not declared.",
            "cppagent writes Header@schemaVersion from 2.0 on and clients read it to learn the version; no XSD declares it"),
        (v => v is "2.6" or "2.7", "The 'errorCode' attribute is not declared.",
            "typed errors (2.6+) keep the errorCode every error had before 2.6, so clients that read the code from it still find it"),
        (v => v is "2.6" or "2.7", "The 'name' attribute is invalid - The value 'at' is invalid according to its datatype",
            "the 2.6+ QueryParameter name enumeration has no 'at', yet current?at= can be out of range: the parameter is named as asked"),
    ];

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
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { Generate = 2, Speed = 50, Version = version, Quirks = quirks, BufferSize = 8192 });
        var served = await ServeEverythingAsync(agent);

        var problems = new List<string>();
        foreach (var (what, bytes) in served)
        {
            problems.AddRange(MtConnectSchemas.Validate(bytes, version, what)
                .Where(p => !Deviations.Any(d => d.Versions(version) && p.Contains(": " + d.Message, StringComparison.Ordinal))));
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
        // Wait until the machines have reported their tools and raised at least one alarm or warning.
        var current = await agent.WaitForCurrentAsync(d => d.Observations().Any(o => o.ElementName == "AssetChanged" && !o.IsUnavailable)
            && d.Observations().Any(o => o.Level is Mtc.Core.Model.ConditionLevel.Fault or Mtc.Core.Model.ConditionLevel.Warning));
        var probe = await agent.ProbeAsync();
        var machine = probe.Devices.First(d => !d.IsAgent).Name;
        var first = current.Header.FirstSequence!.Value;
        var last = current.Header.LastSequence!.Value;
        var assetId = (await agent.GetOkAsync<Mtc.Core.Model.AssetsDocument>("assets")).Assets[0].AssetId;

        var served = new List<(string, byte[])>();
        foreach (var path in new[]
        {
            "probe", $"{machine}/probe", "current", $"{machine}/current", $"current?at={(first + last) / 2}",
            $"sample?from={first}&count=100", $"{machine}/sample?count=50", "sample?count=1",
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
