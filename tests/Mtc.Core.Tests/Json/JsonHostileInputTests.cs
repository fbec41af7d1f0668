using System.Text;
using Mtc.Core.Json;

namespace Mtc.Core.Tests.Json;

public sealed class JsonHostileInputTests
{
    private static MtConnectFormatException Refused(string json, ParserLimits? limits = null) =>
        Assert.Throws<MtConnectFormatException>(() => MtConnectJson.Read(Encoding.UTF8.GetBytes(json), limits));

    private const string Streams = """
        {"MTConnectStreams": {"jsonVersion": 2,
          "Header": {"instanceId": 1},
          "Streams": {"DeviceStream": [{"name": "m", "ComponentStream": [{"component": "Path", "componentId": "p",
            "Events": {"Execution": [{"dataItemId": "e", "timestamp": "2024-01-01T00:00:00Z", "sequence": SEQ, "value": "ACTIVE"}]}}]}]}}}
        """;

    [Fact]
    public void A_sequence_that_is_not_a_number_is_an_invalid_value_at_its_position()
    {
        var ex = Refused(Streams.Replace("SEQ", "\"12x\"", StringComparison.Ordinal));

        Assert.Equal(FormatErrorKind.InvalidValue, ex.Kind);
        Assert.Equal(4, ex.Line);
        var line = Streams.Split('\n')[3];
        Assert.Equal(line.IndexOf("SEQ", StringComparison.Ordinal) + 1, ex.Column);
        Assert.Contains("sequence", ex.Message, StringComparison.Ordinal);
        Assert.Contains("12x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_document_with_a_numeric_sequence_is_read()
    {
        var doc = Assert.IsType<Mtc.Core.Model.StreamsDocument>(MtConnectJson.Read(Encoding.UTF8.GetBytes(Streams.Replace("SEQ", "42", StringComparison.Ordinal))));

        Assert.Equal(42, doc.Streams[0].Observations[0].Sequence);
    }

    [Fact]
    public void A_bad_timestamp_is_an_invalid_value()
    {
        var ex = Refused(Streams.Replace("SEQ", "1", StringComparison.Ordinal).Replace("2024-01-01T00:00:00Z", "yesterday", StringComparison.Ordinal));

        Assert.Equal(FormatErrorKind.InvalidValue, ex.Kind);
        Assert.Equal(4, ex.Line);
        Assert.Contains("timestamp", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_json_is_truncated_with_the_position_of_the_end()
    {
        var full = Streams.Replace("SEQ", "1", StringComparison.Ordinal);
        var ex = Refused(full[..(full.Length - 10)]);

        Assert.Equal(FormatErrorKind.Truncated, ex.Kind);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void Trailing_garbage_after_the_document_is_malformed()
    {
        var ex = Refused(Streams.Replace("SEQ", "1", StringComparison.Ordinal) + "\n{\"more\": 1}");

        Assert.Equal(FormatErrorKind.Malformed, ex.Kind);
        Assert.Equal(5, ex.Line);
        Assert.Equal(1, ex.Column);
    }

    [Fact]
    public void A_missing_comma_is_malformed_at_its_line_and_column()
    {
        var ex = Refused("{\"MTConnectStreams\": {\n  \"Header\": {\"instanceId\": 1}\n  \"Streams\": {}}}");

        Assert.Equal(FormatErrorKind.Malformed, ex.Kind);
        Assert.Equal(3, ex.Line);
        Assert.Equal(3, ex.Column);
        Assert.StartsWith("line 3, column 3: ", ex.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_too_deep_and_fails_fast()
    {
        var deep = "{\"MTConnectStreams\":" + new string('[', 100_000) + new string(']', 100_000) + "}";

        var ex = Refused(deep);

        Assert.Equal(FormatErrorKind.TooDeep, ex.Kind);
        Assert.Equal(1, ex.Line);
        Assert.Equal("{\"MTConnectStreams\":".Length + ParserLimits.Default.MaxDepth, ex.Column);
    }

    [Fact]
    public void The_depth_limit_comes_from_the_parser_limits()
    {
        var json = File.ReadAllText(JsonTestData.PathOf("json/devices-v2.json"));

        var ex = Refused(json, new ParserLimits { MaxDepth = 8 });

        Assert.Equal(FormatErrorKind.TooDeep, ex.Kind);
        Assert.IsType<Mtc.Core.Model.DevicesDocument>(MtConnectJson.Read(Encoding.UTF8.GetBytes(json), new ParserLimits { MaxDepth = 20 }));
    }

    [Fact]
    public void A_document_over_the_size_limit_is_too_large_before_it_is_read_whole()
    {
        using var endless = new EndlessStream();

        var ex = Assert.Throws<MtConnectFormatException>(() => MtConnectJson.Read(endless, new ParserLimits { MaxDocumentBytes = 1024 * 1024 }));

        Assert.Equal(FormatErrorKind.TooLarge, ex.Kind);
        Assert.InRange(endless.Position, 1024 * 1024, 2 * 1024 * 1024);
    }

    [Theory]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"MTConnectDevicesX\": {}}")]
    [InlineData("{}")]
    [InlineData("\"MTConnectStreams\"")]
    [InlineData("{\"MTConnectStreams\": 5}")]
    public void Json_that_is_not_an_MTConnect_document_is_refused(string json)
    {
        var ex = Refused(json);

        Assert.Contains(ex.Kind, new[] { FormatErrorKind.NotMtConnect, FormatErrorKind.InvalidValue });
        Assert.Equal(1, ex.Line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public void An_empty_document_is_truncated(string json)
    {
        Assert.Equal(FormatErrorKind.Truncated, Refused(json).Kind);
    }

    [Fact]
    public void Wrong_types_for_collections_and_levels_are_invalid_values()
    {
        Assert.Equal(FormatErrorKind.InvalidValue, Refused("""{"MTConnectStreams": {"Streams": "none"}}""").Kind);
        Assert.Equal(FormatErrorKind.InvalidValue, Refused("""{"MTConnectDevices": {"Devices": {"Device": [{"id": "d", "DataItems": {"DataItem": [{"id": "a", "type": "X", "category": "SOMETIMES"}]}}]}}}""").Kind);
        var level = Refused(Streams.Replace("SEQ", "1", StringComparison.Ordinal).Replace("\"Events\": {\"Execution\"", "\"Condition\": {\"Broken\"", StringComparison.Ordinal));
        Assert.Equal(FormatErrorKind.InvalidValue, level.Kind);
        Assert.Contains("Broken", level.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0', (byte)'x' })]
    public void A_string_that_is_not_valid_text_is_malformed_at_its_position(byte[] bad)
    {
        var before = "{\"MTConnectStreams\": {\n  \"Header\": {\"sender\": \"ab"u8.ToArray();
        var after = "cd\"}, \"Streams\": {}}}"u8.ToArray();

        var ex = Assert.Throws<MtConnectFormatException>(() => MtConnectJson.Read(before.Concat(bad).Concat(after).ToArray()));

        Assert.Equal(FormatErrorKind.Malformed, ex.Kind);
        Assert.Equal(2, ex.Line);
        Assert.Equal("  \"Header\": {\"sender\": ".Length + 1, ex.Column);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_accepted()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Streams.Replace("SEQ", "7", StringComparison.Ordinal))).ToArray();

        Assert.IsType<Mtc.Core.Model.StreamsDocument>(MtConnectJson.Read(bytes));
    }

    private sealed class EndlessStream : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)' ');
            if (_position == 0)
            {
                buffer[offset] = (byte)'[';
            }

            _position += count;
            return count;
        }
    }
}
