using System.Text;
using Mtc.Core.Model;

namespace Mtc.Core.Tests;

public sealed class MtConnectDocumentReaderTests
{
    private static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "TestData", relative);

    [Theory]
    [InlineData("<MTConnectStreams/>", DocumentFormat.Xml)]
    [InlineData("  \r\n\t<?xml version=\"1.0\"?><a/>", DocumentFormat.Xml)]
    [InlineData("{\"MTConnectStreams\": {}}", DocumentFormat.Json)]
    [InlineData("\n [1]", DocumentFormat.Json)]
    [InlineData("MTConnectStreams", DocumentFormat.Unknown)]
    [InlineData("   ", DocumentFormat.Unknown)]
    public void The_format_is_chosen_from_the_first_byte_that_is_not_white_space(string text, DocumentFormat expected)
    {
        Assert.Equal(expected, MtConnectDocumentReader.Sniff(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(expected, MtConnectDocumentReader.Sniff([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)]));
    }

    [Theory]
    [InlineData("ladder99/services/relay/examples/mazak/current.xml", DocumentKind.Streams)]
    [InlineData("cppagent/demo/agent/Devices.xml", DocumentKind.Devices)]
    [InlineData("json/streams-v1.json", DocumentKind.Streams)]
    [InlineData("json/errors-2.6-v2.json", DocumentKind.Error)]
    [InlineData("mtconnect.net/libraries/MTConnect.NET-JSON-cppagent/Examples/MTConnectAssetsResponseDocument.json", DocumentKind.Assets)]
    public async Task Xml_and_json_documents_are_read_by_the_matching_reader(string file, DocumentKind kind)
    {
        var bytes = await File.ReadAllBytesAsync(PathOf(file));

        Assert.Equal(kind, MtConnectDocumentReader.Read(bytes).Kind);
        await using var stream = File.OpenRead(PathOf(file));
        Assert.Equal(kind, (await MtConnectDocumentReader.ReadAsync(stream)).Kind);
    }

    [Theory]
    [InlineData("hello", FormatErrorKind.NotMtConnect)]
    [InlineData("", FormatErrorKind.Truncated)]
    [InlineData("<MTConnectStreams><Header", FormatErrorKind.Truncated)]
    [InlineData("{\"MTConnectStreams\": {\"Header\"", FormatErrorKind.Truncated)]
    [InlineData("<MTConnectStreams><b></MTConnectStreams>", FormatErrorKind.Malformed)]
    public void Input_that_is_neither_gives_a_typed_error(string text, FormatErrorKind kind)
    {
        var ex = Assert.Throws<MtConnectFormatException>(() => MtConnectDocumentReader.Read(Encoding.UTF8.GetBytes(text)));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(1, ex.Line);
    }
}
