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
}
