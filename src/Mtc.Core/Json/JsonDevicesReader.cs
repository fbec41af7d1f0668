using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Json;

/// <summary>
/// <c>MTConnectDevices</c>: <c>Devices</c> holds <c>Device</c> and <c>Agent</c> elements; each component holds
/// <c>DataItems</c> (of <c>DataItem</c>) and <c>Components</c> (of any component element), in either JSON version.
/// </summary>
internal static class JsonDevicesReader
{
    public static DevicesDocument Read(ref Utf8JsonReader reader, JsonSource source)
    {
        var envelope = new JsonEnvelope();
        var devices = new List<Device>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (envelope.TryRead(ref reader, source))
            {
                continue;
            }

            var isDevices = reader.ValueTextEquals("Devices"u8);
            reader.Read();
            if (isDevices)
            {
                JsonValues.Collection(ref reader, source, "Devices", (string element, ref Utf8JsonReader r) =>
                {
                    var parts = ReadComponent(element, ref r, source);
                    devices.Add(new Device
                    {
                        ElementName = element,
                        Id = parts.Id,
                        Name = parts.Name,
                        Uuid = parts.Uuid,
                        DataItems = parts.DataItems,
                        Components = parts.Components,
                    });
                });
            }
            else
            {
                reader.Skip();
            }
        }

        return new DevicesDocument { Header = envelope.Header, Version = envelope.Version, Devices = devices };
    }

    private static ComponentParts ReadComponent(string element, ref Utf8JsonReader reader, JsonSource source)
    {
        JsonValues.ExpectObject(ref reader, source, element);
        var parts = new ComponentParts();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = source.Strings.Get(ref reader);
            reader.Read();
            switch (property)
            {
                case "id": parts.Id = JsonValues.Text(ref reader, source, property); break;
                case "name": parts.Name = JsonValues.Text(ref reader, source, property); break;
                case "uuid": parts.Uuid = JsonValues.Text(ref reader, source, property); break;
                case "DataItems":
                    JsonValues.Collection(ref reader, source, property, (string e, ref Utf8JsonReader r) =>
                    {
                        if (e == "DataItem")
                        {
                            parts.DataItems.Add(ReadDataItem(ref r, source));
                        }
                        else
                        {
                            r.Skip();
                        }
                    });
                    break;
                case "Components":
                    JsonValues.Collection(ref reader, source, property, (string e, ref Utf8JsonReader r) =>
                    {
                        var child = ReadComponent(e, ref r, source);
                        parts.Components.Add(new Component
                        {
                            ElementName = e,
                            Id = child.Id,
                            Name = child.Name,
                            DataItems = child.DataItems,
                            Components = child.Components,
                        });
                    });
                    break;
                default: reader.Skip(); break;
            }
        }

        // The component's id may come after its data items in the object: attach it once the object is read.
        for (var i = 0; i < parts.DataItems.Count; i++)
        {
            parts.DataItems[i] = parts.DataItems[i] with { ComponentId = parts.Id, ComponentType = element };
        }

        return parts;
    }

    private static DataItem ReadDataItem(ref Utf8JsonReader reader, JsonSource source)
    {
        JsonValues.ExpectObject(ref reader, source, "DataItem");
        var start = reader.TokenStartIndex;
        string? id = null, name = null, type = null, subType = null, category = null, units = null, nativeUnits = null;
        string? representation = null, statistic = null, compositionId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = source.Strings.Get(ref reader);
            reader.Read();
            switch (property)
            {
                case "id": id = JsonValues.Text(ref reader, source, property); break;
                case "name": name = JsonValues.Text(ref reader, source, property); break;
                case "type": type = JsonValues.Text(ref reader, source, property); break;
                case "subType": subType = JsonValues.Text(ref reader, source, property); break;
                case "category": category = JsonValues.Text(ref reader, source, property); break;
                case "units": units = JsonValues.Text(ref reader, source, property); break;
                case "nativeUnits": nativeUnits = JsonValues.Text(ref reader, source, property); break;
                case "representation": representation = JsonValues.Text(ref reader, source, property); break;
                case "statistic": statistic = JsonValues.Text(ref reader, source, property); break;
                case "compositionId": compositionId = JsonValues.Text(ref reader, source, property); break;
                default: reader.Skip(); break;
            }
        }

        return new DataItem
        {
            Id = JsonValues.RequiredText(id, "DataItem id", source, start),
            Name = name,
            Type = JsonValues.RequiredText(type, "DataItem type", source, start),
            SubType = subType,
            Category = category switch
            {
                "SAMPLE" => DataItemCategory.Sample,
                "EVENT" => DataItemCategory.Event,
                "CONDITION" => DataItemCategory.Condition,
                _ => throw source.Error(start, FormatErrorKind.InvalidValue, $"DataItem '{id}' has category '{category}', not SAMPLE, EVENT or CONDITION"),
            },
            Units = units,
            NativeUnits = nativeUnits,
            Representation = representation == "VALUE" ? null : representation,
            Statistic = statistic,
            CompositionId = compositionId,
        };
    }

    private sealed class ComponentParts
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public string? Uuid { get; set; }
        public List<DataItem> DataItems { get; } = [];
        public List<Component> Components { get; } = [];
    }
}
