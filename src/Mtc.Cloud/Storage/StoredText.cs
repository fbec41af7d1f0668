using System.Text;

namespace Mtc.Cloud.Storage;

/// <summary>
/// Free text as both backends store it: PostgreSQL's <c>text</c> cannot hold U+0000 and its <c>jsonb</c> refuses the
/// <c>\u0000</c> escape, so every U+0000 in a value, name, message or JSON document becomes U+FFFD (the Unicode
/// replacement character), on SQLite too so that both backends answer the same. Identifiers never get here with a
/// control character: the API refuses them. Text without U+0000 is returned as it is, without a copy.
/// </summary>
internal static class StoredText
{
    public const char Replacement = '\uFFFD';

    /// <summary>U+FFFD as UTF-8.</summary>
    public static ReadOnlySpan<byte> ReplacementUtf8 => [0xEF, 0xBF, 0xBD];

    public static string? Clean(string? text) =>
        text is null || !text.Contains('\0', StringComparison.Ordinal) ? text : text.Replace('\0', Replacement);

    /// <summary>
    /// JSON text with each <c>\u0000</c> escape (in a string or a property name) written as <c>\uFFFD</c>. JSON text
    /// has no raw U+0000 (control characters in strings are escaped), and a backslash outside an escape cannot occur,
    /// so reading escapes pairwise from the start finds exactly the escapes that mean U+0000.
    /// </summary>
    public static string? CleanJson(string? json)
    {
        if (json is null || !json.Contains("\\u0000", StringComparison.Ordinal))
        {
            return json;
        }
        var text = new StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c != '\\' || i + 1 >= json.Length)
            {
                text.Append(c);
                continue;
            }
            if (string.CompareOrdinal(json, i, "\\u0000", 0, 6) == 0)
            {
                text.Append("\\uFFFD");
                i += 5;
            }
            else
            {
                text.Append(c).Append(json[i + 1]);
                i++;
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes UTF-8 text into <paramref name="destination"/> with each 0x00 byte (U+0000) as U+FFFD; returns the bytes
    /// written. The destination needs room for <paramref name="utf8"/>'s length plus two bytes per 0x00.
    /// </summary>
    public static int CleanUtf8(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var written = 0;
        while (true)
        {
            var nul = utf8.IndexOf((byte)0);
            if (nul < 0)
            {
                utf8.CopyTo(destination[written..]);
                return written + utf8.Length;
            }
            utf8[..nul].CopyTo(destination[written..]);
            written += nul;
            ReplacementUtf8.CopyTo(destination[written..]);
            written += ReplacementUtf8.Length;
            utf8 = utf8[(nul + 1)..];
        }
    }
}
