using System.Text.Json;

namespace Mtc.Cloud.Events;

/// <summary>
/// JSON written one way only, so two bodies that mean the same compare equal: object properties sorted by name (ordinal),
/// no whitespace, strings and numbers as the writer escapes them. Duplicate names keep their order.
/// </summary>
internal static class CanonicalJson
{
    public static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.Number:
                // 1, 1.0 and 1e0 are one number to a JSON reader; decimal keeps 28 digits, anything else stays as written.
                if (element.TryGetDecimal(out var d))
                {
                    writer.WriteNumberValue(d / 1.000000000000000000000000000000000m);
                }
                else
                {
                    writer.WriteRawValue(element.GetRawText());
                }
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
