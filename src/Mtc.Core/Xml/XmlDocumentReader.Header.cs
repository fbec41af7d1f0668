using Mtc.Core.Model;

namespace Mtc.Core.Xml;

internal sealed partial class XmlDocumentReader
{
    /// <param name="lenient">Devices files written by hand or by schema tools carry placeholder headers
    /// (<c>instanceId="String"</c>): there a number that does not parse is left out. Streams, errors and assets
    /// headers drive sequencing and are read strictly.</param>
    private DocumentHeader ReadHeader(bool lenient = false)
    {
        long? instanceId = null, bufferSize = null, firstSequence = null, lastSequence = null, nextSequence = null;
        long? assetBufferSize = null, assetCount = null;
        DateTime? creationTime = null;
        string? sender = null, agentVersion = null, schemaVersion = null;

        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                string name = _reader.LocalName;
                if (ReferenceEquals(name, _names.InstanceId))
                {
                    instanceId = lenient ? OptionalLongAttribute() : LongAttribute();
                }
                else if (ReferenceEquals(name, _names.BufferSize))
                {
                    bufferSize = lenient ? OptionalLongAttribute() : LongAttribute();
                }
                else if (ReferenceEquals(name, _names.FirstSequence))
                {
                    firstSequence = lenient ? OptionalLongAttribute() : LongAttribute();
                }
                else if (ReferenceEquals(name, _names.LastSequence))
                {
                    lastSequence = lenient ? OptionalLongAttribute() : LongAttribute();
                }
                else if (ReferenceEquals(name, _names.NextSequence))
                {
                    nextSequence = lenient ? OptionalLongAttribute() : LongAttribute();
                }
                else if (ReferenceEquals(name, _names.AssetBufferSize))
                {
                    assetBufferSize = lenient ? OptionalLongAttribute() : LongAttribute();
                }
                else if (ReferenceEquals(name, _names.AssetCount))
                {
                    assetCount = lenient ? OptionalLongAttribute() : LongAttribute();
                }
                else if (ReferenceEquals(name, _names.CreationTime))
                {
                    creationTime = lenient ? OptionalTimestampAttribute() : TimestampAttribute();
                }
                else if (ReferenceEquals(name, _names.Sender))
                {
                    sender = _reader.Value;
                }
                else if (ReferenceEquals(name, _names.Version))
                {
                    agentVersion = _reader.Value;
                }
                else if (ReferenceEquals(name, _names.SchemaVersion))
                {
                    schemaVersion = _reader.Value;
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        // Header children (1.x AssetCounts) are not needed.
        Skip();

        return new DocumentHeader
        {
            InstanceId = instanceId,
            BufferSize = bufferSize,
            FirstSequence = firstSequence,
            LastSequence = lastSequence,
            NextSequence = nextSequence,
            AssetBufferSize = assetBufferSize,
            AssetCount = assetCount,
            CreationTime = creationTime,
            Sender = sender,
            AgentVersion = agentVersion,
            SchemaVersion = schemaVersion,
        };
    }

    private long? OptionalLongAttribute() => XmlValues.TryParseLong(AttributeChars(), out long value) ? value : null;

    private DateTime? OptionalTimestampAttribute() => XmlValues.TryParseTimestamp(AttributeChars(), out DateTime value) ? value : null;
}
