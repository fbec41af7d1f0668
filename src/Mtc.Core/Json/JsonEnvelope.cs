using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Json;

/// <summary>What every document carries beside its body: <c>jsonVersion</c>, <c>schemaVersion</c> and the <c>Header</c>.</summary>
internal sealed class JsonEnvelope
{
    public DocumentHeader Header { get; private set; } = new();
    public int? JsonVersion { get; private set; }
    private string? SchemaVersion { get; set; }

    /// <summary>The document's schemaVersion, or the header's.</summary>
    public string? Version => SchemaVersion ?? Header.SchemaVersion;

    /// <summary>On a property name of the document object: reads it when it is one of the envelope's and says so.</summary>
    public bool TryRead(ref Utf8JsonReader reader, JsonSource source)
    {
        if (reader.ValueTextEquals("Header"u8))
        {
            reader.Read();
            Header = ReadHeader(ref reader, source);
        }
        else if (reader.ValueTextEquals("schemaVersion"u8))
        {
            reader.Read();
            SchemaVersion = JsonValues.Text(ref reader, source, "schemaVersion");
        }
        else if (reader.ValueTextEquals("jsonVersion"u8))
        {
            reader.Read();
            JsonVersion = JsonValues.Int(ref reader, source, "jsonVersion");
        }
        else
        {
            return false;
        }

        return true;
    }

    private static DocumentHeader ReadHeader(ref Utf8JsonReader reader, JsonSource source)
    {
        JsonValues.ExpectObject(ref reader, source, "Header");
        long? instanceId = null, bufferSize = null, first = null, last = null, next = null, assetBufferSize = null, assetCount = null;
        DateTime? creationTime = null;
        string? sender = null, version = null, schemaVersion = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = source.Strings.Get(ref reader);
            reader.Read();
            switch (name)
            {
                case "instanceId": instanceId = JsonValues.Long(ref reader, source, name); break;
                case "bufferSize": bufferSize = JsonValues.Long(ref reader, source, name); break;
                case "firstSequence": first = JsonValues.Long(ref reader, source, name); break;
                case "lastSequence": last = JsonValues.Long(ref reader, source, name); break;
                case "nextSequence": next = JsonValues.Long(ref reader, source, name); break;
                case "assetBufferSize": assetBufferSize = JsonValues.Long(ref reader, source, name); break;
                case "assetCount": assetCount = JsonValues.Long(ref reader, source, name); break;
                case "creationTime": creationTime = JsonValues.Timestamp(ref reader, source, name); break;
                case "sender": sender = JsonValues.Text(ref reader, source, name); break;
                case "version": version = JsonValues.Text(ref reader, source, name); break;
                case "schemaVersion": schemaVersion = JsonValues.Text(ref reader, source, name); break;
                default: reader.Skip(); break;
            }
        }

        return new DocumentHeader
        {
            InstanceId = instanceId,
            BufferSize = bufferSize,
            FirstSequence = first,
            LastSequence = last,
            NextSequence = next,
            AssetBufferSize = assetBufferSize,
            AssetCount = assetCount,
            CreationTime = creationTime,
            Sender = sender,
            AgentVersion = version,
            SchemaVersion = schemaVersion,
        };
    }
}
