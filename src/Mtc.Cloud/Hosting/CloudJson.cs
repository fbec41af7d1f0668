using System.Text.Json;

namespace Mtc.Cloud.Hosting;

internal static class CloudJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>Stored JSON text back to an element for a response (null stays null).</summary>
    public static JsonElement? Element(string? json)
    {
        if (json is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>The string property <paramref name="property"/> of a JSON object; null when absent, not a string, or not an object.</summary>
    public static string? String(JsonElement? data, string property) =>
        data is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
