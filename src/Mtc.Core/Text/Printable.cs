using System.Buffers;
using System.Globalization;
using System.Text;

namespace Mtc.Core.Text;

/// <summary>
/// Makes text from an input safe to print on a terminal or in a log line: a control character or a bidirectional
/// override is written as an escape (<c>\x1b</c>, <c>\u202e</c>), so a document, a log or an agent that quotes
/// <c>ESC ]0;...</c> cannot retitle, clear or reorder an operator's terminal, and the text stays on one line.
/// </summary>
/// <remarks>
/// Escaped: C0 (U+0000..U+001F, newline and tab included), DEL (U+007F), C1 (U+0080..U+009F), the bidi embeddings
/// and overrides U+202A..U+202E and the bidi isolates U+2066..U+2069. Everything else is kept as it is.
/// </remarks>
public static class Printable
{
    private static readonly SearchValues<char> UnsafeChars = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + "\u007F\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F"
        + "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F"
        + "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    /// <summary>True when <paramref name="c"/> is one of the characters <see cref="Escape(string?)"/> replaces.</summary>
    public static bool IsUnsafe(char c) => UnsafeChars.Contains(c);

    /// <summary>The text with every unsafe character escaped; the same instance when there is none (null stays null).</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Escape(string? text)
    {
        if (text is null)
        {
            return null;
        }

        int at = text.AsSpan().IndexOfAny(UnsafeChars);
        if (at < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, at);
        foreach (char c in text.AsSpan(at))
        {
            if (!UnsafeChars.Contains(c))
            {
                builder.Append(c);
            }
            else if (c <= '\u00FF')
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
