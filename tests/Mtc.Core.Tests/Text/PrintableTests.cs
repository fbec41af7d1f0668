using Mtc.Core.Text;

namespace Mtc.Core.Tests.Text;

public sealed class PrintableTests
{
    [Theory]
    [InlineData("\u001b]0;pwned\u0007", "\\x1b]0;pwned\\x07")]
    [InlineData("a\nb\tc\rd\0", "a\\x0ab\\x09c\\x0dd\\x00")]
    [InlineData("del\u007f c1\u009b2J\u0085", "del\\x7f c1\\x9b2J\\x85")]
    [InlineData("\u202atxt\u202e\u2066\u2069", "\\u202atxt\\u202e\\u2066\\u2069")]
    [InlineData("é ü 中 \u00a0 \u200f \\x1b", "é ü 中 \u00a0 \u200f \\x1b")]
    public void Control_characters_and_bidi_overrides_are_escaped(string text, string expected)
    {
        Assert.Equal(expected, Printable.Escape(text));
    }

    [Fact]
    public void Text_without_any_is_returned_as_it_is()
    {
        const string text = "line 3, column 7: <Execution> is fine";
        Assert.Same(text, Printable.Escape(text));
        Assert.Null(Printable.Escape(null));
    }

    [Fact]
    public void A_format_error_quoting_the_input_prints_safely()
    {
        var error = Assert.Throws<MtConnectFormatException>(() => Mtc.Core.Xml.MtConnectXml.Read(
            "<MTConnectStreams><Streams><DeviceStream name=\"d\"><ComponentStream><Events><E dataItemId=\"a\" sequence=\"\u009b2J\u202e\">v</E></Events></ComponentStream></DeviceStream></Streams></MTConnectStreams>"u8.ToArray()));

        Assert.Equal(FormatErrorKind.InvalidValue, error.Kind);
        Assert.Contains("sequence=\"\\x9b2J\\u202e\"", error.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain(error.Describe(), Printable.IsUnsafe);
    }
}
