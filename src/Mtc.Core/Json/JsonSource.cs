using System.Text.Json;
using System.Text.Unicode;

namespace Mtc.Core.Json;

/// <summary>
/// The bytes of one JSON document and what reading them needs: the reader options from the limits, a check of the
/// whole text before it is interpreted (well-formed, not too deep, nothing after the root value), and positions
/// (line, column) for errors found while interpreting it.
/// </summary>
internal sealed class JsonSource
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public JsonSource(ReadOnlyMemory<byte> bytes, ParserLimits limits)
    {
        DocumentBytes.EnsureWithin(bytes.Length, limits.MaxDocumentBytes);
        Bytes = bytes.Span.StartsWith(Utf8Bom) ? bytes[Utf8Bom.Length..] : bytes;
        MaxDepth = Math.Max(1, limits.MaxDepth);

        // One more level than the limit, so that this class (not the reader) reports the limit with its position.
        Options = new JsonReaderOptions
        {
            MaxDepth = MaxDepth < int.MaxValue ? MaxDepth + 1 : MaxDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Repeated short strings (ids, names, values like <c>UNAVAILABLE</c>) allocated once per document.</summary>
    public JsonStringCache Strings { get; } = new();
    public JsonReaderOptions Options { get; }
    private int MaxDepth { get; }

    public Utf8JsonReader CreateReader() => new(Bytes.Span, Options);

    /// <summary>Reads every token once: malformed, truncated, too deep or trailing text fail here, with their position.</summary>
    public void Validate()
    {
        var span = Bytes.Span;
        if (span.TrimEnd(" \t\r\n"u8).IsEmpty)
        {
            throw new MtConnectFormatException(FormatErrorKind.Truncated, "the document is empty", 1, 1);
        }

        var reader = CreateReader();
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxDepth)
                {
                    throw Error(reader.TokenStartIndex, FormatErrorKind.TooDeep, $"JSON nested deeper than the limit of {MaxDepth} levels");
                }

                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    ValidateText(ref reader);
                }
            }
        }
        catch (JsonException ex)
        {
            var line = (int)Math.Min(int.MaxValue - 1, ex.LineNumber ?? 0) + 1;
            var column = (int)Math.Min(int.MaxValue - 1, ex.BytePositionInLine ?? 0) + 1;
            var atEnd = OffsetOf(line, column) >= span.TrimEnd(" \t\r\n"u8).Length;
            var kind = atEnd ? FormatErrorKind.Truncated : FormatErrorKind.Malformed;
            var what = atEnd ? "the JSON ends before it is complete" : "malformed JSON";
            throw new MtConnectFormatException(kind, $"{what}: {FirstSentence(ex.Message)}", line, column, ex);
        }
    }

    // The reader checks the JSON grammar, not the text inside strings: bad UTF-8 or a lone surrogate escape would
    // only fail later, when the string is read.
    private void ValidateText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            if (!Utf8.IsValid(reader.ValueSpan))
            {
                throw Error(reader.TokenStartIndex, FormatErrorKind.Malformed, "a string is not valid UTF-8");
            }

            return;
        }

        try
        {
            _ = reader.GetString();
        }
        catch (InvalidOperationException ex)
        {
            var error = Error(reader.TokenStartIndex, FormatErrorKind.Malformed, "a string has an invalid escape or is not valid UTF-8");
            throw new MtConnectFormatException(error.Kind, error.Message, error.Line, error.Column, ex);
        }
    }

    public MtConnectFormatException Error(long offset, FormatErrorKind kind, string message)
    {
        var (line, column) = PositionOf(offset);
        return new MtConnectFormatException(kind, message, line, column);
    }

    public MtConnectFormatException Error(ref Utf8JsonReader reader, FormatErrorKind kind, string message) =>
        Error(reader.TokenStartIndex, kind, message);

    /// <summary>1-based line and column (in bytes) of a byte offset.</summary>
    public (int Line, int Column) PositionOf(long offset)
    {
        var span = Bytes.Span[..(int)Math.Clamp(offset, 0, Bytes.Length)];
        var line = span.Count((byte)'\n') + 1;
        var lastNewline = span.LastIndexOf((byte)'\n');
        return (line, span.Length - lastNewline);
    }

    private long OffsetOf(int line, int column)
    {
        var span = Bytes.Span;
        var offset = 0;
        for (var l = 1; l < line; l++)
        {
            var next = span[offset..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return span.Length;
            }

            offset += next + 1;
        }

        return offset + column - 1;
    }

    // The reader's messages end with its own position ("LineNumber: 3 | BytePositionInLine: 7."); ours say it once.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
