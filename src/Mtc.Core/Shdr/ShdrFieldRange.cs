using System.Buffers;

namespace Mtc.Core.Shdr;

/// <summary>Where a field sits in its line, after trimming and without its quotes.</summary>
internal readonly record struct ShdrFieldRange(int Start, int Length, ShdrFieldFlags Flags)
{
    /// <summary>1-based column of the field's first character.</summary>
    public int Column => Start + 1;

    public ReadOnlySpan<char> Slice(ReadOnlySpan<char> line) => line.Slice(Start, Length);
}

[Flags]
internal enum ShdrFieldFlags : byte
{
    None = 0,

    /// <summary>Unquoted, with <c>\|</c> in it: the backslashes before pipes go.</summary>
    EscapedPipe = 1,

    /// <summary>Was in double quotes, with a backslash in it: every <c>\x</c> becomes <c>x</c>.</summary>
    QuotedEscapes = 2,
}

/// <summary>
/// Splits a line on <c>|</c> as cppagent does: each field is trimmed of spaces and tabs; <c>\|</c> is a pipe
/// inside a field; a field in double quotes (closing quote followed by optional spaces, then <c>|</c> or the
/// end) loses its quotes and may escape any character with <c>\</c>; a <c>|</c> at the very end adds an
/// empty last field. Other backslashes (Windows paths) stay as they are.
/// </summary>
internal static class ShdrFieldSplitter
{
    public static void Split(ReadOnlySpan<char> line, List<ShdrFieldRange> fields)
    {
        fields.Clear();
        var pos = 0;
        while (true)
        {
            while (pos < line.Length && IsBlank(line[pos]))
            {
                pos++;
            }

            if (pos < line.Length && line[pos] == '"' && TryQuoted(line, pos, out var quoted, out var next))
            {
                fields.Add(quoted);
                pos = next;
            }
            else
            {
                var start = pos;
                var flags = ShdrFieldFlags.None;
                while (pos < line.Length && line[pos] != '|')
                {
                    if (line[pos] == '\\' && pos + 1 < line.Length && line[pos + 1] == '|')
                    {
                        flags = ShdrFieldFlags.EscapedPipe;
                        pos++;
                    }

                    pos++;
                }

                var end = pos;
                while (end > start && IsBlank(line[end - 1]))
                {
                    end--;
                }

                fields.Add(new ShdrFieldRange(start, end - start, flags));
            }

            if (pos >= line.Length)
            {
                return;
            }

            pos++; // past the '|'; a '|' at the very end gives one more, empty field
        }
    }

    private static bool TryQuoted(ReadOnlySpan<char> line, int open, out ShdrFieldRange field, out int next)
    {
        var flags = ShdrFieldFlags.None;
        for (var i = open + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\')
            {
                flags = ShdrFieldFlags.QuotedEscapes;
                i++;
            }
            else if (c == '"')
            {
                var after = i + 1;
                while (after < line.Length && IsBlank(line[after]))
                {
                    after++;
                }

                if (after == line.Length || line[after] == '|')
                {
                    field = new ShdrFieldRange(open + 1, i - open - 1, flags);
                    next = after;
                    return true;
                }
            }
            else if (c == '|')
            {
                break;
            }
        }

        field = default;
        next = 0;
        return false;
    }

    /// <summary>The field's text with its escapes resolved.</summary>
    public static string Text(ReadOnlySpan<char> line, ShdrFieldRange field)
    {
        var raw = field.Slice(line);
        if (field.Flags == ShdrFieldFlags.None)
        {
            return raw.ToString();
        }

        var length = UnescapedLength(raw, field.Flags);
        char[]? rented = null;
        var buffer = length <= 256 ? stackalloc char[length] : (rented = ArrayPool<char>.Shared.Rent(length));
        Unescape(raw, field.Flags, buffer);
        var text = new string(buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return text;
    }

    private static int UnescapedLength(ReadOnlySpan<char> raw, ShdrFieldFlags flags)
    {
        var length = 0;
        for (var i = 0; i < raw.Length; i++, length++)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length && (flags == ShdrFieldFlags.QuotedEscapes || raw[i + 1] == '|'))
            {
                i++;
            }
        }

        return length;
    }

    private static void Unescape(ReadOnlySpan<char> raw, ShdrFieldFlags flags, Span<char> dest)
    {
        var d = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length && (flags == ShdrFieldFlags.QuotedEscapes || raw[i + 1] == '|'))
            {
                i++;
            }

            dest[d++] = raw[i];
        }
    }

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\r' or '\n';
}
