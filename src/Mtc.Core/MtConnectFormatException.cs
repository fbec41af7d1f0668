using Mtc.Core.Text;

namespace Mtc.Core;

public enum FormatErrorKind
{
    /// <summary>Not well-formed XML or JSON, or a broken SHDR line.</summary>
    Malformed,

    /// <summary>A DTD, entity declaration or external reference: refused, never processed.</summary>
    Prohibited,

    /// <summary>Over a size limit (document bytes, characters, a part of a multipart stream).</summary>
    TooLarge,

    /// <summary>Nested deeper than the limit.</summary>
    TooDeep,

    /// <summary>Well-formed but not an MTConnect document of a kind we read.</summary>
    NotMtConnect,

    /// <summary>A value that cannot be read as what the schema says (a sequence that is not a number, a bad timestamp).</summary>
    InvalidValue,

    /// <summary>The input ended in the middle of something.</summary>
    Truncated,
}

/// <summary>
/// Input that is not a readable MTConnect document or SHDR line. Carries where it went wrong:
/// line and column for text (1-based; 0 when unknown), or the byte offset for binary framing. The message may quote
/// the input; its control characters and bidi overrides are escaped (<see cref="Printable"/>), so it prints safely.
/// </summary>
public sealed class MtConnectFormatException : FormatException
{
    public MtConnectFormatException(FormatErrorKind kind, string message, int line = 0, int column = 0, Exception? inner = null)
        : base(Printable.Escape(message), inner)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public FormatErrorKind Kind { get; }
    public int Line { get; }
    public int Column { get; }

    /// <summary>For binary framing (a multipart stream): the byte offset in the stream where it went wrong.</summary>
    public long? ByteOffset { get; init; }

    /// <summary>Message with the position, as one line: <c>line 3, column 7: ...</c>.</summary>
    public string Describe() =>
        Line > 0 ? $"line {Line}, column {Column}: {Message}"
        : ByteOffset is { } offset ? $"byte {offset}: {Message}"
        : Message;
}
