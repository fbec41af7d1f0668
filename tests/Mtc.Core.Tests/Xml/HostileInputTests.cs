using System.Text;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Xml;

/// <summary>Hostile and broken input: each case gives its typed error with a position, quickly, never anything else.</summary>
public sealed class HostileInputTests
{
    private const string Mazak20 = "mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Mazak-2.0.xml";

    private static MtConnectFormatException Refused(byte[] bytes, ParserLimits? limits = null) =>
        Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(bytes, limits));

    private static MtConnectFormatException Refused(string xml, ParserLimits? limits = null) => Refused(Encoding.UTF8.GetBytes(xml), limits);

    [Theory]
    [InlineData("hostile/dtd.xml")]
    [InlineData("hostile/billion-laughs.xml")]
    [InlineData("hostile/external-entity.xml")]
    [InlineData("hostile/external-dtd.xml")]
    public void A_DTD_is_refused_before_anything_is_expanded_or_fetched(string file)
    {
        var error = Refused(TestFiles.Bytes(file));

        Assert.Equal(FormatErrorKind.Prohibited, error.Kind);
        Assert.Equal(2, error.Line);
        Assert.DoesNotContain("root:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lollol", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_external_entity_is_also_refused_from_a_stream()
    {
        using var stream = File.OpenRead(TestFiles.PathOf("hostile/external-entity.xml"));
        var error = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(stream));
        Assert.Equal((FormatErrorKind.Prohibited, 2, 1), (error.Kind, error.Line, error.Column));
    }

    [Fact]
    public void An_entity_reference_without_a_DTD_is_malformed()
    {
        var error = Refused("<MTConnectStreams><Streams>&xxe;</Streams></MTConnectStreams>");
        Assert.Equal(FormatErrorKind.Malformed, error.Kind);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Ten_thousand_nested_elements_are_too_deep_and_stop_at_the_limit()
    {
        var xml = new StringBuilder("<MTConnectStreams xmlns=\"urn:mtconnect.org:MTConnectStreams:2.0\">\n<Streams>\n");
        for (int i = 0; i < 10_000; i++)
        {
            xml.Append("<a>");
        }

        for (int i = 0; i < 10_000; i++)
        {
            xml.Append("</a>");
        }

        xml.Append("</Streams></MTConnectStreams>");
        var error = Refused(xml.ToString());

        Assert.Equal(FormatErrorKind.TooDeep, error.Kind);
        Assert.Equal(3, error.Line);

        // Stopped at the 64th level, not at the 10,000th element.
        Assert.Equal(2 + ((ParserLimits.Default.MaxDepth - 2) * 3), error.Column);
    }

    [Fact]
    public void Deep_components_in_a_devices_document_are_too_deep()
    {
        var xml = new StringBuilder("<MTConnectDevices><Devices><Device id=\"d\">");
        for (int i = 0; i < 5_000; i++)
        {
            xml.Append("<Components><Axes id=\"a\">");
        }

        var error = Refused(xml.ToString());
        Assert.Equal(FormatErrorKind.TooDeep, error.Kind);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void A_document_over_the_size_limit_is_too_large_from_bytes_and_from_a_stream()
    {
        byte[] bytes = TestFiles.Bytes(Mazak20);
        var limits = new ParserLimits { MaxDocumentBytes = 4096 };

        var fromBytes = Refused(bytes, limits);
        Assert.Equal(FormatErrorKind.TooLarge, fromBytes.Kind);
        Assert.True(fromBytes.Line > 1, fromBytes.Describe());

        using var stream = new MemoryStream(bytes);
        var fromStream = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(stream, limits));
        Assert.Equal(FormatErrorKind.TooLarge, fromStream.Kind);
        Assert.True(fromStream.Line > 1, fromStream.Describe());

        // The same document within the limit reads.
        Assert.NotEmpty(MtConnectXml.ReadStreams(bytes, new ParserLimits { MaxDocumentBytes = bytes.Length }).Streams);
        using var exact = new MemoryStream(bytes);
        Assert.NotEmpty(MtConnectXml.ReadStreams(exact, new ParserLimits { MaxDocumentBytes = bytes.Length }).Streams);
    }

    [Fact]
    public void A_truncated_document_is_truncated_with_the_line_where_it_ends()
    {
        byte[] bytes = TestFiles.Bytes(Mazak20);
        int cut = bytes.Length / 2;
        int expectedLine = 1 + bytes.Take(cut).Count(b => b == (byte)'\n');

        var error = Refused(bytes[..cut]);

        Assert.Equal(FormatErrorKind.Truncated, error.Kind);
        Assert.Equal(expectedLine, error.Line);
    }

    [Fact]
    public void Every_prefix_of_a_real_document_gives_a_format_error_and_nothing_else()
    {
        byte[] bytes = TestFiles.Bytes("ladder99/services/relay/examples/demo/current.xml");
        for (int cut = 0; cut < bytes.Length - 1; cut += 7)
        {
            var error = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(bytes.AsMemory(0, cut)));
            Assert.True(
                error.Kind is FormatErrorKind.Truncated or FormatErrorKind.Malformed,
                $"cut at {cut}: {error.Kind} {error.Describe()}");
        }
    }

    [Fact]
    public void Corrupted_bytes_give_a_document_or_a_format_error_and_nothing_else()
    {
        byte[] original = TestFiles.Bytes("ladder99/services/relay/examples/demo/sample.xml");
        var random = new Random(20240601);
        int refused = 0;
        for (int round = 0; round < 300; round++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                MtConnectXml.Read(bytes);
            }
            catch (MtConnectFormatException)
            {
                refused++;
            }
        }

        Assert.InRange(refused, 1, 300);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01, 0x02, 0xFF, 0xFE, 0x10 })]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00 })]
    public void Bytes_that_are_not_XML_are_malformed(byte[] bytes)
    {
        var error = Refused(bytes);
        Assert.Equal(FormatErrorKind.Malformed, error.Kind);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Json_given_to_the_XML_reader_is_malformed_at_line_1()
    {
        var error = Refused("{\"MTConnectStreams\": {}}");
        Assert.Equal((FormatErrorKind.Malformed, 1, 1), (error.Kind, error.Line, error.Column));
    }

    [Fact]
    public void An_empty_document_is_truncated()
    {
        Assert.Equal(FormatErrorKind.Truncated, Refused([]).Kind);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>")]
    [InlineData("<MTConnectStreams xmlns=\"http://example.com/not-mtconnect\"><Streams/></MTConnectStreams>")]
    public void Another_root_element_is_not_MTConnect(string xml)
    {
        var error = Refused(xml);
        Assert.Equal(FormatErrorKind.NotMtConnect, error.Kind);
        Assert.Equal(xml.Count(c => c == '\n') + 1, error.Line);
    }

    [Theory]
    [InlineData("sequence=\"12a\"", "sequence")]
    [InlineData("sequence=\"99999999999999999999999\"", "sequence")]
    [InlineData("sequence=\"\"", "sequence")]
    [InlineData("timestamp=\"yesterday\"", "timestamp")]
    [InlineData("timestamp=\"2024-02-30T00:00:00Z\"", "timestamp")]
    public void A_bad_sequence_or_timestamp_is_an_invalid_value_at_its_line(string attribute, string name)
    {
        string xml = $"""
            <MTConnectStreams xmlns="urn:mtconnect.org:MTConnectStreams:2.0">
              <Streams><DeviceStream name="m" uuid="u"><ComponentStream component="Device" componentId="d">
                <Events>
                  <Availability dataItemId="avail" sequence="1" timestamp="2024-01-01T00:00:00Z">AVAILABLE</Availability>
                  <Execution dataItemId="exec" {(name == "sequence" ? attribute : "sequence=\"2\"")} {(name == "timestamp" ? attribute : "timestamp=\"2024-01-01T00:00:00Z\"")}>ACTIVE</Execution>
                </Events>
              </ComponentStream></DeviceStream></Streams>
            </MTConnectStreams>
            """;
        var error = Refused(xml);

        Assert.Equal(FormatErrorKind.InvalidValue, error.Kind);
        Assert.Equal(5, error.Line);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_capture_with_broken_numbers_is_an_invalid_value_at_its_header()
    {
        var error = Refused(TestFiles.Bytes("mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Simple.xml"));
        Assert.Equal((FormatErrorKind.InvalidValue, 3), (error.Kind, error.Line));
        Assert.Contains("instanceId=\"1663078056=\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fractions_longer_than_seven_digits_are_truncated_not_refused()
    {
        const string xml = """
            <MTConnectStreams><Streams><DeviceStream name="m"><ComponentStream component="Device" componentId="d"><Events>
            <Execution dataItemId="e" sequence="1" timestamp="2024-01-01T00:00:00.123456789012345678Z">READY</Execution>
            </Events></ComponentStream></DeviceStream></Streams></MTConnectStreams>
            """;
        var observation = MtConnectXml.ReadStreams(Encoding.UTF8.GetBytes(xml)).Streams[0].Observations[0];
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567), observation.Timestamp);
    }
}
