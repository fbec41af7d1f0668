using System.Globalization;
using Mtc.Core.Text;

namespace Mtc.Core.Shdr;

/// <summary>
/// Parses one SHDR line at a time, without state between lines (multiline assets are left open for
/// <see cref="ShdrReader"/> to complete). Not thread-safe: it reuses its buffers; use one per reader.
/// Allocates only the strings it returns, and reuses the key and short value strings it has seen.
/// </summary>
public sealed partial class ShdrLineParser
{
    private const int MaxCachedStrings = 8192;
    private const int MaxCachedValueLength = 48;

    private readonly List<ShdrFieldRange> _fields = [];
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _stringLookup;
    private readonly IShdrKeyResolver _resolver;
    private readonly TimeProvider _clock;

    public ShdrLineParser(IShdrKeyResolver? resolver = null, TimeProvider? clock = null)
    {
        _resolver = resolver ?? HeuristicShdrKeyResolver.Instance;
        _clock = clock ?? TimeProvider.System;
        _stringLookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The device for keys without a <c>device:</c> prefix (what <c>* device: d</c> sets); null for none.</summary>
    public string? DefaultDevice { get; set; }

    /// <summary>Parses a line; the error, if any, is in the result. Blank lines give an empty result.</summary>
    public ShdrParseResult TryParse(ReadOnlySpan<char> line, int lineNumber)
    {
        var trimmed = line.TrimEnd();
        if (trimmed.IsWhiteSpace())
        {
            return default;
        }

        if (trimmed.TrimStart()[0] == '*')
        {
            return ParseProtocolCommand(trimmed, lineNumber);
        }

        ShdrFieldSplitter.Split(trimmed, _fields);
        var fields = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_fields);

        if (!ShdrTimestamp.TrySplitDuration(fields[0].Slice(trimmed), out var stamp, out var duration))
        {
            return Fail(FormatErrorKind.InvalidValue, $"bad duration in '{Excerpt(fields[0].Slice(trimmed))}' (expected timestamp@seconds)", lineNumber, fields[0], 1);
        }

        DateTime timestamp;
        var wasEmpty = stamp.IsEmpty;
        if (wasEmpty)
        {
            timestamp = _clock.GetUtcNow().UtcDateTime;
        }
        else if (!ShdrTimestamp.TryParse(stamp, out timestamp))
        {
            return Fail(FormatErrorKind.InvalidValue, $"bad timestamp '{Excerpt(stamp)}'", lineNumber, fields[0], 1);
        }

        if (fields.Length < 2)
        {
            return Fail(FormatErrorKind.Malformed, "a timestamp with no key after it", lineNumber, fields[0], 1);
        }

        var first = fields[1].Slice(trimmed);
        if (first.Length > 1 && first[0] == '@')
        {
            return ParseAssetCommand(trimmed, fields, lineNumber, timestamp);
        }

        return ParseData(trimmed, fields, lineNumber, timestamp, wasEmpty, duration);
    }

    /// <summary>Parses a line; throws <see cref="MtConnectFormatException"/> when it is malformed. Null for a blank line.</summary>
    public ShdrLine? Parse(ReadOnlySpan<char> line, int lineNumber) => TryParse(line, lineNumber).GetLineOrThrow();

    private ShdrParseResult ParseProtocolCommand(ReadOnlySpan<char> line, int lineNumber)
    {
        var body = line.TrimStart()[1..].Trim();
        if (body.Equals("PING", StringComparison.OrdinalIgnoreCase))
        {
            return new ShdrParseResult(new ShdrPing(lineNumber), null);
        }

        if (body.StartsWith("PONG", StringComparison.OrdinalIgnoreCase) && (body.Length == 4 || body[4] is ' ' or '\t'))
        {
            var arg = body[4..].Trim();
            if (arg.IsEmpty)
            {
                return new ShdrParseResult(new ShdrPong(lineNumber, null), null);
            }

            if (int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                return new ShdrParseResult(new ShdrPong(lineNumber, ms), null);
            }

            return Fail(FormatErrorKind.InvalidValue, $"PONG period '{Excerpt(arg)}' is not a number of milliseconds", lineNumber, 0, 0);
        }

        var colon = body.IndexOf(':');
        if (colon <= 0)
        {
            return Fail(FormatErrorKind.Malformed, $"'* {Excerpt(body)}' is neither PING, PONG nor '* name: value'", lineNumber, 0, 0);
        }

        var name = body[..colon].Trim();
        var value = body[(colon + 1)..].Trim();
        return new ShdrParseResult(new ShdrCommand(lineNumber, name.ToString(), value.ToString()), null);
    }

    private static ShdrParseResult ParseAssetCommand(ReadOnlySpan<char> line, ReadOnlySpan<ShdrFieldRange> fields, int lineNumber, DateTime timestamp)
    {
        var command = fields[1].Slice(line);
        static string? Field(ReadOnlySpan<char> line, ReadOnlySpan<ShdrFieldRange> f, int i) =>
            i < f.Length && f[i].Length > 0 ? ShdrFieldSplitter.Text(line, f[i]) : null;

        if (command.SequenceEqual("@ASSET@") || command.SequenceEqual("@UPDATE_ASSET@"))
        {
            var add = command[1] == 'A';
            var bodyField = add ? 4 : 3;
            var id = Field(line, fields, 2);
            if (id is null || fields.Length <= bodyField - 1 || (add && fields[3].Length == 0))
            {
                return Fail(FormatErrorKind.Malformed, add ? "@ASSET@ needs |id|type|body" : "@UPDATE_ASSET@ needs |id|...", lineNumber, fields[^1], fields.Length);
            }

            var type = add ? Field(line, fields, 3) : null;

            // The body is the rest of the line as sent: asset XML may hold pipes of its own.
            var body = fields.Length > bodyField ? line[fields[bodyField].Start..].TrimEnd().ToString() : string.Empty;
            var action = add ? ShdrAssetAction.Add : ShdrAssetAction.Update;
            var terminator = body.StartsWith(ShdrReader.MultilineMarker, StringComparison.Ordinal) ? body : null;
            return new ShdrParseResult(new ShdrAssetCommand(lineNumber, timestamp, action, id, type, terminator is null ? body : null, terminator), null);
        }

        if (command.SequenceEqual("@REMOVE_ASSET@"))
        {
            var id = Field(line, fields, 2);
            return id is null
                ? Fail(FormatErrorKind.Malformed, "@REMOVE_ASSET@ needs an asset id", lineNumber, fields[1], 2)
                : new ShdrParseResult(new ShdrAssetCommand(lineNumber, timestamp, ShdrAssetAction.Remove, id, null, null), null);
        }

        if (command.SequenceEqual("@REMOVE_ALL_ASSETS@"))
        {
            return new ShdrParseResult(new ShdrAssetCommand(lineNumber, timestamp, ShdrAssetAction.RemoveAll, null, Field(line, fields, 2), null), null);
        }

        return Fail(FormatErrorKind.Malformed, $"unknown asset command '{Excerpt(command)}'", lineNumber, fields[1], 2);
    }

    private string Cached(ReadOnlySpan<char> line, ShdrFieldRange field) =>
        field.Flags != ShdrFieldFlags.None ? ShdrFieldSplitter.Text(line, field) : Cached(field.Slice(line));

    private string Cached(ReadOnlySpan<char> span)
    {
        if (span.Length > MaxCachedValueLength)
        {
            return span.ToString();
        }

        if (_stringLookup.TryGetValue(span, out var cached))
        {
            return cached;
        }

        var text = span.ToString();
        if (_strings.Count < MaxCachedStrings)
        {
            _strings[text] = text;
        }

        return text;
    }

    /// <summary>Input quoted in an error message, cut short: a hostile line may be a megabyte long.</summary>
    /// <summary>Input quoted in an error: at most 60 characters, control characters escaped (<see cref="Printable"/>).</summary>
    internal static string Excerpt(ReadOnlySpan<char> text) =>
        Printable.Escape(text.Length <= 60 ? text.ToString() : string.Concat(text[..57], "..."));

    /// <summary>The index of the first control character (as <see cref="char.IsControl(char)"/>) in a text, or -1.</summary>
    private static int ControlCharacterAt(ReadOnlySpan<char> text)
    {
        var low = text.IndexOfAnyInRange('\0', '\u001F');
        var high = text.IndexOfAnyInRange('\u007F', '\u009F');
        return low < 0 ? high : high < 0 ? low : Math.Min(low, high);
    }

    private static ShdrParseResult Fail(FormatErrorKind kind, string message, int line, ShdrFieldRange field, int fieldIndex) =>
        Fail(kind, message, line, field.Column, fieldIndex);

    private static ShdrParseResult Fail(FormatErrorKind kind, string message, int line, int column, int fieldIndex) =>
        new(null, new ShdrParseError(kind, message, line, column, fieldIndex));
}
