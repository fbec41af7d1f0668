using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Json;

/// <summary>
/// <c>MTConnectStreams</c>: version 1 nests <c>Streams[{DeviceStream}]</c> → <c>ComponentStreams[{ComponentStream}]</c> →
/// <c>Events[{Execution: {...}}]</c>; version 2 writes <c>Streams.DeviceStream[]</c> → <c>ComponentStream[]</c> →
/// <c>Events.Execution[]</c>.
/// </summary>
internal static class JsonStreamsReader
{
    public static StreamsDocument Read(ref Utf8JsonReader reader, JsonSource source)
    {
        var envelope = new JsonEnvelope();
        var streams = new List<DeviceStream>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (envelope.TryRead(ref reader, source))
            {
                continue;
            }

            var isStreams = reader.ValueTextEquals("Streams"u8);
            reader.Read();
            if (isStreams)
            {
                JsonValues.Collection(ref reader, source, "Streams", (string name, ref Utf8JsonReader r) =>
                {
                    if (name == "DeviceStream")
                    {
                        streams.Add(ReadDeviceStream(ref r, source));
                    }
                    else
                    {
                        r.Skip();
                    }
                });
            }
            else
            {
                reader.Skip();
            }
        }

        return new StreamsDocument { Header = envelope.Header, Version = envelope.Version, Streams = streams };
    }

    private static DeviceStream ReadDeviceStream(ref Utf8JsonReader reader, JsonSource source)
    {
        JsonValues.ExpectObject(ref reader, source, "DeviceStream");
        var start = reader.TokenStartIndex;
        string? name = null, uuid = null;
        var observations = new List<Observation>();
        ElementHandler component = (string element, ref Utf8JsonReader r) =>
        {
            if (element == "ComponentStream")
            {
                ReadComponentStream(ref r, source, observations);
            }
            else
            {
                r.Skip();
            }
        };

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = source.Strings.Get(ref reader);
            reader.Read();
            switch (property)
            {
                case "name": name = JsonValues.Text(ref reader, source, property); break;
                case "uuid": uuid = JsonValues.Text(ref reader, source, property); break;
                case "ComponentStreams": JsonValues.Collection(ref reader, source, property, component); break;
                case "ComponentStream" when reader.TokenType == JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        ReadComponentStream(ref reader, source, observations);
                    }

                    break;
                case "ComponentStream": ReadComponentStream(ref reader, source, observations); break;
                default: reader.Skip(); break;
            }
        }

        return new DeviceStream(JsonValues.RequiredText(name, "DeviceStream name", source, start), uuid, observations);
    }

    private static void ReadComponentStream(ref Utf8JsonReader reader, JsonSource source, List<Observation> observations)
    {
        JsonValues.ExpectObject(ref reader, source, "ComponentStream");
        var component = ScanComponent(reader, source);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            DataItemCategory? category =
                reader.ValueTextEquals("Samples"u8) ? DataItemCategory.Sample
                : reader.ValueTextEquals("Events"u8) ? DataItemCategory.Event
                : reader.ValueTextEquals("Condition"u8) ? DataItemCategory.Condition
                : null;
            var property = source.Strings.Get(ref reader);
            reader.Read();
            if (category is { } c)
            {
                JsonValues.Collection(ref reader, source, property, (string element, ref Utf8JsonReader r) =>
                    observations.Add(JsonObservationReader.Read(element, c, component, ref r, source)));
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Reads the component's own attributes from a copy of the reader, wherever they sit among its children.</summary>
    private static ObservationComponent? ScanComponent(Utf8JsonReader scan, JsonSource source)
    {
        string? type = null, id = null, name = null;
        while (scan.Read() && scan.TokenType == JsonTokenType.PropertyName)
        {
            var which = scan.ValueTextEquals("component"u8) ? 1 : scan.ValueTextEquals("componentId"u8) ? 2 : scan.ValueTextEquals("name"u8) ? 3 : 0;
            scan.Read();
            switch (which)
            {
                case 1: type = JsonValues.Text(ref scan, source, "component"); break;
                case 2: id = JsonValues.Text(ref scan, source, "componentId"); break;
                case 3: name = JsonValues.Text(ref scan, source, "name"); break;
                default: scan.Skip(); break;
            }
        }

        // One object shared by every observation of the component stream, as the XML reader does.
        return type is null && id is null && name is null ? null : new ObservationComponent(type, id, name, shared: true);
    }
}
