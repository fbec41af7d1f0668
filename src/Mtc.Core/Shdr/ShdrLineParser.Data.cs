using System.Globalization;
using Mtc.Core.Model;

namespace Mtc.Core.Shdr;

public sealed partial class ShdrLineParser
{
    private ShdrParseResult ParseData(ReadOnlySpan<char> line, ReadOnlySpan<ShdrFieldRange> fields, int lineNumber, DateTime timestamp, bool wasEmpty, double? duration)
    {
        var entries = new List<ShdrEntry>((fields.Length - 1) / 2);
        var i = 1;
        while (i < fields.Length)
        {
            var keyField = fields[i];
            var rawKey = keyField.Slice(line);
            if (rawKey.IsEmpty && i == fields.Length - 1 && entries.Count > 0)
            {
                break; // a '|' after the last value, as some adapters write: nothing follows it
            }

            if (rawKey.IsEmpty)
            {
                return Fail(FormatErrorKind.Malformed, "empty key", lineNumber, keyField, i + 1);
            }

            // No data item id holds a control character (a NUL, a stray escape...): the line is not SHDR. Values keep theirs.
            if (ControlCharacterAt(rawKey) is var control and >= 0)
            {
                return Fail(FormatErrorKind.Malformed, $"key holds the control character U+{(int)rawKey[control]:X4} after '{Excerpt(rawKey[..control])}'",
                    lineNumber, keyField.Column + control, i + 1);
            }

            var colon = rawKey.IndexOf(':');
            var devicePart = colon > 0 ? rawKey[..colon] : [];
            var keyPart = colon > 0 ? rawKey[(colon + 1)..] : rawKey;
            var available = fields.Length - i - 1;
            if (available == 0)
            {
                return Fail(FormatErrorKind.Malformed, $"key '{Excerpt(rawKey)}' has no value", lineNumber, keyField, i + 1);
            }

            var following = new ShdrFollowingFields(line, fields[(i + 1)..]);
            var kind = _resolver.Resolve(devicePart.IsEmpty ? DefaultDevice.AsSpan() : devicePart, keyPart, following);
            var known = kind != ShdrItemKind.Unknown;
            if (!known)
            {
                kind = HeuristicShdrKeyResolver.LooksLikeCondition(following) ? ShdrItemKind.Condition : ShdrItemKind.Value;
            }

            var entryCount = entries.Count;
            var device = devicePart.IsEmpty ? null : Cached(devicePart);
            var key = keyField.Flags == ShdrFieldFlags.None ? Cached(keyPart) : ShdrFieldSplitter.Text(line, keyField)[(colon + 1)..];
            var v = i + 1;
            switch (kind)
            {
                case ShdrItemKind.Condition:
                {
                    var levelText = fields[v].Slice(line);
                    if (!ShdrConditionLevels.TryParse(levelText, out var level))
                    {
                        return Fail(FormatErrorKind.InvalidValue, $"condition '{Excerpt(key)}': level '{Excerpt(levelText)}' is not normal, warning, fault or unavailable", lineNumber, fields[v], v + 1);
                    }

                    // Adapters may stop early at the end of the line (key|normal); missing fields are empty.
                    var code = Optional(line, fields, v + 1);
                    string? conditionId = null;
                    var codeColon = code?.IndexOf(':', StringComparison.Ordinal) ?? -1;
                    if (codeColon >= 0)
                    {
                        conditionId = NullIfEmpty(code![(codeColon + 1)..]);
                        code = NullIfEmpty(code[..codeColon]);
                    }

                    entries.Add(new ShdrCondition(device, key, level, code, conditionId, Optional(line, fields, v + 2), Optional(line, fields, v + 3), Optional(line, fields, v + 4)));
                    i = Math.Min(v + 5, fields.Length);
                    break;
                }

                case ShdrItemKind.Alarm:
                    entries.Add(new ShdrAlarm(device, key, Optional(line, fields, v), Optional(line, fields, v + 1), Optional(line, fields, v + 2), Optional(line, fields, v + 3), Optional(line, fields, v + 4)));
                    i = Math.Min(v + 5, fields.Length);
                    break;

                case ShdrItemKind.Message:
                    if (available >= 2)
                    {
                        entries.Add(new ShdrMessage(device, key, Optional(line, fields, v), ShdrFieldSplitter.Text(line, fields[v + 1])));
                        i = v + 2;
                    }
                    else
                    {
                        entries.Add(new ShdrMessage(device, key, null, ShdrFieldSplitter.Text(line, fields[v])));
                        i = v + 1;
                    }

                    break;

                case ShdrItemKind.TimeSeries:
                {
                    if (available < 3)
                    {
                        if (IsUnavailable(fields[v].Slice(line)))
                        {
                            entries.Add(new ShdrTimeSeries(device, key, null, null, [], IsUnavailable: true));
                            i = v + 1;
                            break;
                        }

                        return Fail(FormatErrorKind.Malformed, $"time series '{Excerpt(key)}' needs count|rate|values", lineNumber, keyField, i + 1);
                    }

                    var error = ParseTimeSeries(line, fields, v, device, key, lineNumber, out var series);
                    if (error is not null)
                    {
                        return new ShdrParseResult(null, error);
                    }

                    entries.Add(series!);
                    i = v + 3;
                    break;
                }

                case ShdrItemKind.DataSet:
                case ShdrItemKind.Table:
                {
                    var isTable = kind == ShdrItemKind.Table;
                    var raw = fields[v].Flags == ShdrFieldFlags.None ? fields[v].Slice(line) : ShdrFieldSplitter.Text(line, fields[v]).AsSpan();
                    if (IsUnavailable(raw))
                    {
                        entries.Add(new ShdrDataSet(device, key, isTable, [], null, IsUnavailable: true));
                    }
                    else
                    {
                        var message = ShdrDataSetParser.TryParse(raw, isTable, out var items, out var reset, out var offset);
                        if (message is not null)
                        {
                            return Fail(FormatErrorKind.InvalidValue, $"{(isTable ? "table" : "data set")} '{Excerpt(key)}': {message}", lineNumber, fields[v].Column + offset, v + 1);
                        }

                        entries.Add(new ShdrDataSet(device, key, isTable, items, reset));
                    }

                    i = v + 1;
                    break;
                }

                default:
                    entries.Add(new ShdrValue(device, key, Cached(line, fields[v])));
                    i = v + 1;
                    break;
            }

            if (!known && entries.Count > entryCount)
            {
                entries[^1] = entries[^1] with { IsKnown = false };
            }
        }

        return new ShdrParseResult(new ShdrDataLine(lineNumber, timestamp, wasEmpty, duration, entries), null);
    }

    private static ShdrParseError? ParseTimeSeries(ReadOnlySpan<char> line, ReadOnlySpan<ShdrFieldRange> fields, int v, string? device, string key, int lineNumber, out ShdrTimeSeries? series)
    {
        series = null;
        var countText = fields[v].Slice(line);
        var rateText = fields[v + 1].Slice(line);
        var valuesText = fields[v + 2].Slice(line);
        int? count = null;
        if (!countText.IsEmpty)
        {
            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                return new ShdrParseError(FormatErrorKind.InvalidValue, $"time series '{Excerpt(key)}': count '{Excerpt(countText)}' is not a whole number", lineNumber, fields[v].Column, v + 1);
            }

            count = c;
        }

        double? rate = null;
        if (!rateText.IsEmpty)
        {
            if (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r))
            {
                return new ShdrParseError(FormatErrorKind.InvalidValue, $"time series '{Excerpt(key)}': rate '{Excerpt(rateText)}' is not a number", lineNumber, fields[v + 1].Column, v + 2);
            }

            rate = r;
        }

        if (IsUnavailable(valuesText))
        {
            series = new ShdrTimeSeries(device, key, count, rate, [], IsUnavailable: true);
            return null;
        }

        var values = new List<double>(count ?? 8);
        foreach (var range in valuesText.SplitAny(' ', '\t'))
        {
            var item = valuesText[range];
            if (item.IsEmpty)
            {
                continue;
            }

            if (!double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return new ShdrParseError(FormatErrorKind.InvalidValue, $"time series '{Excerpt(key)}': '{Excerpt(item)}' is not a number", lineNumber, fields[v + 2].Column + range.Start.Value, v + 3);
            }

            values.Add(value);
        }

        series = new ShdrTimeSeries(device, key, count, rate, values);
        return null;
    }

    private static string? Optional(ReadOnlySpan<char> line, ReadOnlySpan<ShdrFieldRange> fields, int index) =>
        index < fields.Length && fields[index].Length > 0 ? ShdrFieldSplitter.Text(line, fields[index]) : null;

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static bool IsUnavailable(ReadOnlySpan<char> text) =>
        text.Equals(Observation.UnavailableValue, StringComparison.OrdinalIgnoreCase);
}
