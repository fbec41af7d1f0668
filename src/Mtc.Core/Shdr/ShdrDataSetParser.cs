using Mtc.Core.Model;

namespace Mtc.Core.Shdr;

/// <summary>
/// The value of a DATA_SET or TABLE key: <c>[:TRIGGER ]k1=v1 k2='v 2' k3="v 3" k4={...} k5 k6=</c>.
/// Entries are separated by spaces; a value may be quoted with <c>'</c> or <c>"</c> (a backslash escapes the
/// quote) or braced with <c>{}</c>; a key without <c>=</c> or with an empty value is a removal. In a table
/// each row's value is itself a list of cells. A leading <c>:WORD</c> is the resetTriggered value.
/// </summary>
internal static class ShdrDataSetParser
{
    /// <returns>null on success; otherwise the error message, with <paramref name="errorOffset"/> its offset in <paramref name="text"/>.</returns>
    public static string? TryParse(ReadOnlySpan<char> text, bool isTable, out List<DataSetEntry> entries, out string? resetTriggered, out int errorOffset)
    {
        entries = [];
        resetTriggered = null;
        errorOffset = 0;
        var pos = SkipBlanks(text, 0);
        if (pos < text.Length && text[pos] == ':')
        {
            var end = pos + 1;
            while (end < text.Length && !IsBlank(text[end]))
            {
                end++;
            }

            if (end > pos + 1)
            {
                resetTriggered = text[(pos + 1)..end].ToString().ToUpperInvariant();
            }

            pos = end;
        }

        while (true)
        {
            pos = SkipBlanks(text, pos);
            if (pos >= text.Length)
            {
                return null;
            }

            var keyStart = pos;
            while (pos < text.Length && text[pos] != '=' && !IsBlank(text[pos]))
            {
                pos++;
            }

            var key = text[keyStart..pos].ToString();
            if (pos >= text.Length || text[pos] != '=')
            {
                entries.Add(new DataSetEntry(key, null, Removed: true));
                continue;
            }

            if (key.Length == 0)
            {
                errorOffset = keyStart;
                return "an entry has '=' but no key";
            }

            pos++;
            var error = ReadValue(text, ref pos, out var value);
            if (error is not null)
            {
                errorOffset = pos;
                return $"entry '{ShdrLineParser.Excerpt(key)}': {error}";
            }

            if (value.Length == 0)
            {
                entries.Add(new DataSetEntry(key, null, Removed: true));
            }
            else if (isTable)
            {
                var cellError = TryParse(value, isTable: false, out var cells, out _, out var cellOffset);
                if (cellError is not null)
                {
                    errorOffset = pos;
                    return $"row '{ShdrLineParser.Excerpt(key)}': {cellError} (offset {cellOffset} in the row)";
                }

                entries.Add(new DataSetEntry(key, null, Cells: cells.Select(c => new TableCell(c.Key, c.Value)).ToList()));
            }
            else
            {
                entries.Add(new DataSetEntry(key, value));
            }
        }
    }

    private static string? ReadValue(ReadOnlySpan<char> text, ref int pos, out string value)
    {
        value = string.Empty;
        if (pos >= text.Length || IsBlank(text[pos]))
        {
            return null;
        }

        var open = text[pos];
        if (open is '\'' or '"')
        {
            var sb = new System.Text.StringBuilder();
            for (var i = pos + 1; i < text.Length; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    sb.Append(text[++i]);
                }
                else if (text[i] == open)
                {
                    pos = i + 1;
                    value = sb.ToString();
                    return null;
                }
                else
                {
                    sb.Append(text[i]);
                }
            }

            return $"no closing {open}";
        }

        if (open == '{')
        {
            var depth = 0;
            char quote = '\0';
            for (var i = pos; i < text.Length; i++)
            {
                var c = text[i];
                if (quote != '\0')
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == quote)
                    {
                        quote = '\0';
                    }
                }
                else if (c is '\'' or '"')
                {
                    quote = c;
                }
                else if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && --depth == 0)
                {
                    value = text[(pos + 1)..i].ToString();
                    pos = i + 1;
                    return null;
                }
            }

            return "no closing }";
        }

        var start = pos;
        while (pos < text.Length && !IsBlank(text[pos]))
        {
            pos++;
        }

        value = text[start..pos].ToString();
        return null;
    }

    private static int SkipBlanks(ReadOnlySpan<char> text, int pos)
    {
        while (pos < text.Length && IsBlank(text[pos]))
        {
            pos++;
        }

        return pos;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';
}
