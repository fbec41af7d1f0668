using System.Text;
using System.Xml.Linq;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Xml;

public sealed class ErrorAndAssetReaderTests
{
    private static byte[] Utf8(string xml) => Encoding.UTF8.GetBytes(xml);

    // The shape cppagent writes before schema 2.6.
    private const string ClassicOutOfRange = """
        <?xml version="1.0" encoding="UTF-8"?>
        <MTConnectError xmlns:m="urn:mtconnect.org:MTConnectError:1.3" xmlns="urn:mtconnect.org:MTConnectError:1.3">
          <Header creationTime="2021-06-29T05:38:11Z" sender="agent" instanceId="1622761005" version="1.7.0.3" bufferSize="4096"/>
          <Errors>
            <Error errorCode="OUT_OF_RANGE">'from' must be greater than 1877446</Error>
          </Errors>
        </MTConnectError>
        """;

    // The 2.6+ typed shape: the element names the error, QueryParameter gives the range.
    private const string TypedOutOfRange = """
        <?xml version="1.0" encoding="UTF-8"?>
        <MTConnectError xmlns:m="urn:mtconnect.org:MTConnectError:2.6" xmlns="urn:mtconnect.org:MTConnectError:2.6">
          <Header creationTime="2025-03-01T10:00:00Z" sender="agent" instanceId="1740822000" version="2.6.0.0" bufferSize="131072"/>
          <Errors>
            <OutOfRange errorCode="OUT_OF_RANGE">
              <ErrorMessage>'from' must be greater than or equal to 1200</ErrorMessage>
              <URI>/sample?from=5</URI>
              <Request>sample</Request>
              <QueryParameter name="from">
                <Value>5</Value>
                <Minimum>1200</Minimum>
                <Maximum>132271</Maximum>
              </QueryParameter>
            </OutOfRange>
            <InvalidRequest errorCode="INVALID_REQUEST"><ErrorMessage>second</ErrorMessage></InvalidRequest>
          </Errors>
        </MTConnectError>
        """;

    [Fact]
    public void A_classic_error_document_gives_code_and_message()
    {
        var document = Assert.IsType<ErrorDocument>(MtConnectXml.Read(Utf8(ClassicOutOfRange)));

        Assert.Equal("1.3", document.Version);
        Assert.Equal(1622761005, document.Header.InstanceId);
        var error = Assert.Single(document.Errors);
        Assert.Equal((AgentErrorCodes.OutOfRange, "'from' must be greater than 1877446"), (error.Code, error.Message));
        Assert.Null(error.ElementName);
        Assert.True(document.Has(AgentErrorCodes.OutOfRange));
    }

    [Fact]
    public void A_1_0_error_document_with_a_single_Error_reads()
    {
        const string xml = """
            <MTConnectError xmlns="urn:mtconnect.com:MTConnectError:1.0">
              <Header creationTime="2009-01-01T00:00:00" sender="agent" instanceId="1" version="1.0" bufferSize="100"/>
              <Error errorCode="NO_DEVICE">Could not find the device 'x'</Error>
            </MTConnectError>
            """;
        var document = Assert.IsType<ErrorDocument>(MtConnectXml.Read(Utf8(xml)));
        Assert.Equal("1.0", document.Version);
        Assert.Equal((AgentErrorCodes.NoDevice, "Could not find the device 'x'"), (document.Errors[0].Code, document.Errors[0].Message));
    }

    [Fact]
    public void A_typed_2_6_error_gives_the_query_parameter_and_its_range()
    {
        var document = Assert.IsType<ErrorDocument>(MtConnectXml.Read(Utf8(TypedOutOfRange)));

        Assert.Equal("2.6", document.Version);
        Assert.Equal(2, document.Errors.Count);
        var error = document.Errors[0];
        Assert.Equal((AgentErrorCodes.OutOfRange, "OutOfRange"), (error.Code, error.ElementName));
        Assert.Equal("'from' must be greater than or equal to 1200", error.Message);
        Assert.Equal(new QueryParameter("from", "5", 1200, 132271), error.Parameter);
        Assert.Equal((AgentErrorCodes.InvalidRequest, "second", null), (document.Errors[1].Code, document.Errors[1].Message, document.Errors[1].Parameter));
    }

    [Fact]
    public void A_typed_error_without_errorCode_takes_it_from_the_element_name()
    {
        const string xml = "<MTConnectError><Errors><OutOfRange><ErrorMessage>m</ErrorMessage></OutOfRange><AssetNotFound/></Errors></MTConnectError>";
        var document = Assert.IsType<ErrorDocument>(MtConnectXml.Read(Utf8(xml)));
        Assert.Equal([AgentErrorCodes.OutOfRange, AgentErrorCodes.AssetNotFound], document.Errors.Select(e => e.Code));
    }

    [Fact]
    public void Asking_for_streams_and_getting_an_error_gives_the_error_document()
    {
        var error = Assert.Throws<MtConnectAgentErrorException>(() => MtConnectXml.ReadStreams(Utf8(TypedOutOfRange)));
        Assert.True(error.Has(AgentErrorCodes.OutOfRange));
        Assert.Equal(1200, error.Document.Errors[0].Parameter!.Minimum);
        Assert.Contains("OUT_OF_RANGE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_with_a_range_that_is_not_a_number_is_an_invalid_value_with_its_line()
    {
        string xml = TypedOutOfRange.Replace("<Minimum>1200</Minimum>", "<Minimum>low</Minimum>", StringComparison.Ordinal);
        var error = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(Utf8(xml)));
        Assert.Equal(FormatErrorKind.InvalidValue, error.Kind);
        Assert.Equal(11, error.Line);
    }

    [Fact]
    public void An_assets_document_keeps_each_asset_with_its_body()
    {
        const string file = "cppagent/test_package/resources/asset3.xml";
        var document = MtConnectXml.ReadAssets(TestFiles.Bytes(file));
        var expected = XDocument.Load(TestFiles.PathOf(file)).Root!.Elements().Single(e => e.Name.LocalName == "Assets").Elements().ToList();

        Assert.Equal("1.2", document.Version);
        Assert.Equal(expected.Count, document.Assets.Count);
        var first = document.Assets[0];
        Assert.Equal(("CuttingTool", "KSSP300R4SD43L240.1", true), (first.AssetType, first.AssetId, first.Removed));
        Assert.Equal(new DateTime(2011, 5, 11, 13, 55, 22, DateTimeKind.Utc), first.Timestamp);

        // The body is the element itself: same elements, attributes and text as the source.
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(XNode.DeepEquals(Normalize(expected[i]), Normalize(XElement.Parse(document.Assets[i].Body!))), $"asset {i} body differs");
        }
    }

    [Fact]
    public void A_bare_asset_reads_as_an_assets_document()
    {
        var document = MtConnectXml.ReadAssets(TestFiles.Bytes("cppagent/test_package/resources/cutting_tool_archetype.xml"));
        var asset = Assert.Single(document.Assets);
        Assert.Equal(("CuttingToolArchetype", "KSSP300R4SD43L240", "7800f530-34a9"), (asset.AssetType, asset.AssetId, asset.DeviceUuid));
        Assert.Contains("<CuttingToolDefinition format=\"EXPRESS\">Some Express...</CuttingToolDefinition>", asset.Body, StringComparison.Ordinal);
    }

    private static XElement Normalize(XElement element) =>
        new(
            element.Name,
            element.Attributes().Where(a => !a.IsNamespaceDeclaration).OrderBy(a => a.Name.ToString(), StringComparer.Ordinal),
            element.Nodes().Select(n => n switch
            {
                XElement e => (object)Normalize(e),
                XText t => t.Value.Trim(),
                _ => null!,
            }).Where(n => n is not null and not ""));
}
