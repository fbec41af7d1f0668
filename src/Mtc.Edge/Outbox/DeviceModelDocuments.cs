using System.Text;
using System.Text.Json;
using System.Xml;
using Mtc.Core;

namespace Mtc.Edge.Outbox;

/// <summary>
/// A device's model record holds that device only: the probe's root element and <c>Header</c> with the one <c>Device</c>
/// (or <c>Agent</c>) under <c>Devices</c>, still a valid MTConnectDevices document (XML, or cppagent JSON in the probe's JSON
/// version). A probe of many devices so costs about its own size once, not once per device.
/// </summary>
internal static class DeviceModelDocuments
{
    /// <summary>Each device's document, keyed by name (else uuid, else <c>device</c>, as the collectors name machines); the first of a key wins.</summary>
    public static Dictionary<string, string> Split(byte[] probe)
    {
        try
        {
            return MtConnectDocumentReader.Sniff(probe) == DocumentFormat.Json ? SplitJson(probe) : SplitXml(probe);
        }
        catch (Exception e) when (e is XmlException or JsonException)
        {
            // The Core reader accepted the probe; a stricter reading here costs the models, never the collection.
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    public static string Key(string? name, string? uuid) => name ?? uuid ?? "device";

    private static Dictionary<string, string> SplitXml(byte[] probe)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        using var stream = new MemoryStream(probe, writable: false);
        using var reader = XmlReader.Create(stream, settings);
        reader.MoveToContent();
        var root = StartTag(reader);
        var header = "";
        var devicesTag = "<Devices>";
        var devicesEnd = "</Devices>";
        var devices = new List<(string Key, string Xml)>();
        if (!reader.IsEmptyElement)
        {
            reader.Read();
            while (!reader.EOF && reader.Depth >= 1)
            {
                if (reader.NodeType != XmlNodeType.Element || reader.Depth != 1)
                {
                    reader.Read();
                }
                else if (reader.LocalName == "Header")
                {
                    header = reader.ReadOuterXml();
                }
                else if (reader.LocalName == "Devices" && !reader.IsEmptyElement)
                {
                    devicesTag = StartTag(reader);
                    devicesEnd = $"</{reader.Name}>";
                    reader.Read();
                    while (!reader.EOF && reader.Depth >= 2)
                    {
                        if (reader.NodeType == XmlNodeType.Element && reader.Depth == 2)
                        {
                            var key = Key(reader.GetAttribute("name"), reader.GetAttribute("uuid"));
                            devices.Add((key, reader.ReadOuterXml()));
                        }
                        else
                        {
                            reader.Read();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        var rootEnd = $"</{NameOf(root)}>";
        foreach (var (key, xml) in devices)
        {
            result.TryAdd(key, string.Concat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", root, header, devicesTag, xml, devicesEnd, rootEnd));
        }
        return result;
    }

    /// <summary>The element's start tag as written (its name and every attribute, namespace declarations included).</summary>
    private static string StartTag(XmlReader reader)
    {
        var sb = new StringBuilder("<").Append(reader.Name);
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                sb.Append(' ').Append(reader.Name).Append("=\"").Append(Escape(reader.Value)).Append('"');
            }
            while (reader.MoveToNextAttribute());
            reader.MoveToElement();
        }
        return sb.Append('>').ToString();
    }

    private static string NameOf(string startTag)
    {
        var end = startTag.IndexOfAny([' ', '>']);
        return startTag[1..end];
    }

    private static string Escape(string value) => value
        .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal);

    private static Dictionary<string, string> SplitJson(byte[] probe)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(probe, new JsonDocumentOptions { MaxDepth = ParserLimits.Default.MaxDepth + 16 });
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("MTConnectDevices", out var root) || root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("Devices", out var devices))
        {
            return result;
        }
        // Version 1: [{"Device": {...}}, {"Agent": {...}}]; version 2: {"Device": [{...}], "Agent": [{...}]}.
        var entries = new List<(string Element, JsonElement Body)>();
        if (devices.ValueKind == JsonValueKind.Array)
        {
            foreach (var wrapper in devices.EnumerateArray().Where(w => w.ValueKind == JsonValueKind.Object))
            {
                entries.AddRange(wrapper.EnumerateObject().Select(p => (p.Name, p.Value)));
            }
        }
        else if (devices.ValueKind == JsonValueKind.Object)
        {
            foreach (var group in devices.EnumerateObject())
            {
                var bodies = group.Value.ValueKind == JsonValueKind.Array ? group.Value.EnumerateArray().ToList() : [group.Value];
                entries.AddRange(bodies.Select(b => (group.Name, b)));
            }
        }
        foreach (var (element, body) in entries.Where(e => e.Body.ValueKind == JsonValueKind.Object))
        {
            var key = Key(Text(body, "name"), Text(body, "uuid"));
            if (result.ContainsKey(key))
            {
                continue;
            }
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteStartObject("MTConnectDevices");
                foreach (var p in root.EnumerateObject().Where(p => p.Name != "Devices"))
                {
                    p.WriteTo(w);
                }
                if (devices.ValueKind == JsonValueKind.Array)
                {
                    w.WriteStartArray("Devices");
                    w.WriteStartObject();
                    w.WritePropertyName(element);
                    body.WriteTo(w);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteStartObject("Devices");
                    w.WriteStartArray(element);
                    body.WriteTo(w);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            result.Add(key, Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        return result;
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
