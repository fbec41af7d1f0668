using System.Text.Json;

namespace Mtc.Cli.Tests.Inspect;

public sealed class InspectDocumentTests
{
    public static TheoryData<string> JsonDocuments() => CorpusFiles.JsonDocuments();

    public static TheoryData<string> XmlDocuments() => XmlCounts.XmlDocuments();

    [Theory]
    [MemberData(nameof(XmlDocuments))]
    public async Task Inspect_agrees_with_independent_counts_on_every_xml_document(string file)
    {
        var path = CorpusFiles.PathOf(file);
        var run = await CliRun.RunAsync("inspect", path);

        if (XmlCounts.BrokenAt(path) is { } line)
        {
            // Captures broken upstream (a misspelt end tag, instanceId="1663078056=") are refused where they break.
            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith($"{path}:{line}:", Assert.Single(run.StderrLines), StringComparison.Ordinal);
            return;
        }

        AssertCounts(XmlCounts.Count(path), run.Json());
        Assert.Equal("xml", run.Json().GetProperty("format").GetString());
        Assert.Empty(run.Stderr);
    }

    [Theory]
    [MemberData(nameof(JsonDocuments))]
    public async Task Inspect_agrees_with_independent_counts_on_every_json_document(string file)
    {
        var path = CorpusFiles.PathOf(file);
        var expected = CorpusFiles.CountJson(path);

        var run = await CliRun.RunAsync("inspect", path);

        AssertCounts(expected, run.Json());
        Assert.Equal("json", run.Json().GetProperty("format").GetString());
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Inspect_reports_the_header_of_a_streams_document()
    {
        var path = CorpusFiles.PathOf("mtconnect.net/libraries/MTConnect.NET-JSON-cppagent/Examples/MTConnectStreamsResponseDocument.json");
        using var source = JsonDocument.Parse(File.ReadAllBytes(path));
        var expected = source.RootElement.GetProperty("MTConnectStreams").GetProperty("Header");

        var header = (await CliRun.RunAsync("inspect", path)).Json().GetProperty("header");

        foreach (var field in new[] { "instanceId", "bufferSize", "firstSequence", "lastSequence", "nextSequence" })
        {
            Assert.Equal(expected.GetProperty(field).GetInt64(), header.GetProperty(field).GetInt64());
        }
    }

    [Fact]
    public async Task Inspect_lists_the_errors_of_an_error_document()
    {
        var json = (await CliRun.RunAsync("inspect", CorpusFiles.PathOf("json/errors-2.6-v2.json"))).Json();

        Assert.Equal("error", json.GetProperty("kind").GetString());
        var errors = json.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(["OUT_OF_RANGE", "INVALID_PARAMTER_VALUE"], errors.Select(e => e.GetProperty("code").GetString()));
        Assert.Equal("'from' must be between 10904772 and 12907777", errors[0].GetProperty("message").GetString());
        Assert.Equal(10904772, errors[0].GetProperty("parameter").GetProperty("minimum").GetInt64());
    }

    [Fact]
    public async Task Inspect_reads_a_gzip_compressed_document()
    {
        var plain = CorpusFiles.PathOf("json/streams-v2.json");
        var zipped = Path.Combine(Path.GetTempPath(), $"mtc-inspect-{Guid.NewGuid():N}.json.gz");
        try
        {
            await using (var output = File.Create(zipped))
            await using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
            {
                await gzip.WriteAsync(await File.ReadAllBytesAsync(plain));
            }

            AssertCounts(CorpusFiles.CountJson(plain), (await CliRun.RunAsync("inspect", zipped)).Json());
        }
        finally
        {
            File.Delete(zipped);
        }
    }

    internal static void AssertCounts(CorpusFiles.Expected expected, JsonElement actual)
    {
        Assert.Equal(expected.Kind, actual.GetProperty("kind").GetString());
        Assert.Equal(expected.DataItems, actual.GetProperty("dataItems").GetInt32());
        Assert.Equal(expected.Observations, actual.GetProperty("observations").GetInt32());
        Assert.Equal(expected.Conditions, actual.GetProperty("conditions").GetInt32());
        Assert.Equal(expected.Unavailable, actual.GetProperty("unavailable").GetInt32());
        Assert.Equal(expected.Errors, actual.GetProperty("errors").GetArrayLength());
        Assert.Equal(expected.Assets, actual.GetProperty("assets").GetInt32());
        if (expected.Kind is "devices" or "streams")
        {
            Assert.Equal(expected.Devices, actual.GetProperty("devices").GetInt32());
            Assert.Equal(expected.Devices, actual.GetProperty("perDevice").GetArrayLength());
        }
    }
}
