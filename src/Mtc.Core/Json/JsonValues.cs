using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mtc.Core.Json;

/// <summary>Called with the reader on the first token of an element's value; leaves it on the value's last token.</summary>
internal delegate void ElementHandler(string elementName, ref Utf8JsonReader reader);

/// <summary>Typed reads of JSON values, each failing with the value's position when the value is not what it should be.</summary>
internal static class JsonValues
{
    /// <summary>A scalar as text the way XML would carry it: strings as they are, numbers as written, arrays joined by spaces.</summary>
    public static string? Text(ref Utf8JsonReader reader, JsonSource source, string property)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return source.Strings.Get(ref reader);
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                return JoinArray(ref reader, source, property);
            default:
                throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"'{property}' should be a string or a number, not {Describe(reader.TokenType)}");
        }
    }

    public static string RequiredText(string? value, string property, JsonSource source, long objectStart) =>
        value ?? throw source.Error(objectStart, FormatErrorKind.InvalidValue, $"'{property}' is missing");

    public static long? Long(ref Utf8JsonReader reader, JsonSource source, string property)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var number):
                return number;
            case JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            case JsonTokenType.Null:
                return null;
            default:
                throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"'{property}' should be an integer, not {Shown(ref reader)}");
        }
    }

    public static int? Int(ref Utf8JsonReader reader, JsonSource source, string property)
    {
        var value = Long(ref reader, source, property);
        return value is null or (>= int.MinValue and <= int.MaxValue)
            ? (int?)value
            : throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"'{property}' is out of range: {value}");
    }

    public static double? Double(ref Utf8JsonReader reader, JsonSource source, string property)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetDouble(out var number):
                return number;
            case JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            case JsonTokenType.Null:
                return null;
            default:
                throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"'{property}' should be a number, not {Shown(ref reader)}");
        }
    }

    public static bool Bool(ref Utf8JsonReader reader, JsonSource source, string property) =>
        reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False or JsonTokenType.Null => false,
            JsonTokenType.String when reader.ValueTextEquals("true"u8) => true,
            JsonTokenType.String when reader.ValueTextEquals("false"u8) => false,
            _ => throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"'{property}' should be true or false, not {Shown(ref reader)}"),
        };

    /// <summary>A timestamp in UTC; one written without a zone (no <c>Z</c>) is read as UTC.</summary>
    public static DateTime? Timestamp(ref Utf8JsonReader reader, JsonSource source, string property)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            if (TryGetUtc(ref reader, out var fast))
            {
                return fast;
            }

            if (DateTime.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }
        }

        throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"'{property}' should be a timestamp, not {Shown(ref reader)}");
    }

    /// <summary>The reader's own ISO 8601 parsing, without allocating: <c>Z</c> and offsets are honoured, no zone means UTC.</summary>
    private static bool TryGetUtc(ref Utf8JsonReader reader, out DateTime utc)
    {
        utc = default;
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        var span = reader.ValueSpan;
        var time = span.IndexOf((byte)'T');
        if (time < 0 || span.Length == 0)
        {
            return false;
        }

        if (span[^1] == (byte)'Z' || span[time..].IndexOfAny((byte)'+', (byte)'-') >= 0)
        {
            var ok = reader.TryGetDateTimeOffset(out var withZone);
            utc = withZone.UtcDateTime;
            return ok;
        }

        if (reader.TryGetDateTime(out var unzoned))
        {
            utc = DateTime.SpecifyKind(unzoned, DateTimeKind.Utc);
            return true;
        }

        return false;
    }

    public static void ExpectObject(ref Utf8JsonReader reader, JsonSource source, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"{what} should be an object, not {Describe(reader.TokenType)}");
        }
    }

    /// <summary>
    /// A collection of named elements in either cppagent JSON version: version 1 writes an array of single-key objects
    /// (<c>[{"Execution": {...}}, ...]</c>), version 2 an object of arrays keyed by element name (<c>{"Execution": [{...}]}</c>).
    /// </summary>
    public static void Collection(ref Utf8JsonReader reader, JsonSource source, string what, ElementHandler handle)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ExpectObject(ref reader, source, $"an entry of {what}");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = source.Strings.Get(ref reader);
                    reader.Read();
                    handle(name, ref reader);
                }
            }
        }
        else if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = source.Strings.Get(ref reader);
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        handle(name, ref reader);
                    }
                }
                else
                {
                    handle(name, ref reader);
                }
            }
        }
        else if (reader.TokenType != JsonTokenType.Null)
        {
            throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"{what} should be an array or an object, not {Describe(reader.TokenType)}");
        }
    }

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Shown(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"\"{Truncate(reader.GetString()!)}\"",
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        _ => Describe(reader.TokenType),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");

    private static string JoinArray(ref Utf8JsonReader reader, JsonSource source, string property)
    {
        var text = new StringBuilder();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            {
                throw source.Error(ref reader, FormatErrorKind.InvalidValue, $"'{property}' should hold a list of numbers or strings, not {Describe(reader.TokenType)}");
            }

            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(Text(ref reader, source, property));
        }

        return text.ToString();
    }
}
