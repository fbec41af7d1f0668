using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mtc.Core.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Json;

public sealed class JsonCorpusTests
{
    public static TheoryData<string> Files() => JsonTestData.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_json_file_parses_with_counts_equal_to_an_independent_count(string file)
    {
        var path = JsonTestData.PathOf(file);
        var expected = JsonTestData.Count(path);
        using var stream = File.OpenRead(path);

        var document = MtConnectJson.Read(stream);

        switch (document)
        {
            case DevicesDocument devices:
                Assert.Equal("devices", expected.Kind);
                Assert.Equal(expected.Devices, devices.Devices.Count);
                Assert.Equal(expected.DataItems, devices.Devices.Sum(d => d.AllDataItems().Count()));
                break;
            case StreamsDocument streams:
                var all = streams.Streams.SelectMany(s => s.Observations).ToList();
                Assert.Equal("streams", expected.Kind);
                Assert.Equal(expected.Devices, streams.Streams.Count);
                Assert.Equal(expected.Observations, all.Count);
                Assert.Equal(expected.Conditions, all.Count(o => o.Category == DataItemCategory.Condition));
                Assert.Equal(expected.Unavailable, all.Count(o => o.IsUnavailable));
                break;
            case ErrorDocument errors:
                Assert.Equal("error", expected.Kind);
                Assert.Equal(expected.Errors, errors.Errors.Count);
                break;
            case AssetsDocument assets:
                Assert.Equal("assets", expected.Kind);
                Assert.Equal(expected.Assets, assets.Assets.Count);
                break;
        }
    }

    [Fact]
    public void Every_corpus_document_reads_to_the_same_model_in_version_1_and_version_2()
    {
        var files = JsonTestData.AllJsonFiles()
            .Where(f => f.Contains("MTConnect.NET-JSON-cppagent", StringComparison.Ordinal) || f.EndsWith("v2.json", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(6, files.Count);
        foreach (var file in files)
        {
            var v2 = File.ReadAllText(file);
            var v1 = JsonTestData.ToVersion1(v2);
            Assert.NotEqual(v2, v1);

            Assert.Equal(Canonical(MtConnectJson.Read(Encoding.UTF8.GetBytes(v2))), Canonical(MtConnectJson.Read(Encoding.UTF8.GetBytes(v1))));
        }
    }

    [Theory]
    [InlineData("json/streams-v1.json", "json/streams-v2.json")]
    [InlineData("json/devices-v1.json", "json/devices-v2.json")]
    public void Hand_written_version_1_and_version_2_fixtures_read_to_equal_models(string v1, string v2)
    {
        var one = MtConnectJson.Read(File.ReadAllBytes(JsonTestData.PathOf(v1)));
        var two = MtConnectJson.Read(File.ReadAllBytes(JsonTestData.PathOf(v2)));

        Assert.Equal(Canonical(two), Canonical(one));
    }

    [Fact]
    public void Corpus_streams_example_has_its_header_and_values()
    {
        var path = JsonTestData.PathOf("mtconnect.net/libraries/MTConnect.NET-JSON-cppagent/Examples/MTConnectStreamsResponseDocument.json");
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var header = json.RootElement.GetProperty("MTConnectStreams").GetProperty("Header");

        var doc = Assert.IsType<StreamsDocument>(MtConnectJson.Read(File.ReadAllBytes(path)));

        Assert.Equal(header.GetProperty("instanceId").GetInt64(), doc.Header.InstanceId);
        Assert.Equal(header.GetProperty("bufferSize").GetInt64(), doc.Header.BufferSize);
        Assert.Equal(header.GetProperty("firstSequence").GetInt64(), doc.Header.FirstSequence);
        Assert.Equal(header.GetProperty("lastSequence").GetInt64(), doc.Header.LastSequence);
        Assert.Equal(header.GetProperty("nextSequence").GetInt64(), doc.Header.NextSequence);
        Assert.Equal("6.0.1.0", doc.Header.AgentVersion);
        Assert.Equal("2.0", doc.Version);
        var adapterUri = doc.Streams[0].Observations.Single(o => o.DataItemId == "adapter_shdr_56697b5624_adapterUri");
        Assert.Equal("shdr://localhost:7878", adapterUri.Value);
        Assert.Equal(243, adapterUri.Sequence);
        Assert.Equal("Adapter", adapterUri.ComponentType);
        Assert.Equal("adapter_shdr_56697b5624", adapterUri.ComponentId);
        Assert.Equal("adapterShdr", adapterUri.ComponentName);
        Assert.Equal(new DateTime(2023, 12, 9, 18, 1, 39, DateTimeKind.Utc).AddTicks(8259158), adapterUri.Timestamp);
    }

    [Fact]
    public void Assets_keep_their_type_id_device_and_body()
    {
        var doc = Assert.IsType<AssetsDocument>(MtConnectJson.Read(File.ReadAllBytes(JsonTestData.PathOf("json/assets-v1.json"))));

        Assert.Equal(["CuttingTool", "File"], doc.Assets.Select(a => a.AssetType));
        Assert.Equal(["T12-0001", "prog-4711"], doc.Assets.Select(a => a.AssetId));
        Assert.All(doc.Assets, a => Assert.Equal("mazak-vtc-200", a.DeviceUuid));
        Assert.Equal([false, true], doc.Assets.Select(a => a.Removed));
        Assert.Equal(new DateTime(2024, 3, 5, 14, 6, 0, DateTimeKind.Utc), doc.Assets[1].Timestamp);
        using var body = JsonDocument.Parse(doc.Assets[0].Body!);
        Assert.Equal(300, body.RootElement.GetProperty("CuttingToolLifeCycle").GetProperty("ToolLife")[0].GetProperty("ToolLife").GetProperty("limit").GetInt32());
        Assert.Equal(2, doc.Header.AssetCount);
        Assert.Equal("2.2", doc.Version);
    }

    /// <summary>Models compared by value: observations are classes, so compare their serialized form (asset bodies without layout).</summary>
    internal static string Canonical(MtConnectDocument document)
    {
        if (document is AssetsDocument assets)
        {
            document = assets with { Assets = [.. assets.Assets.Select(a => a with { Body = JsonNode.Parse(a.Body!)!.ToJsonString() })] };
        }

        return JsonSerializer.Serialize(document, document.GetType());
    }
}
