using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Ingest;

/// <summary>
/// Reads the body of <c>POST /api/ext/data</c> into an <see cref="IngestPayload"/>.
/// <para>
/// The shape an edge writes (the batch's five properties, observation records with their camelCase names and
/// plain values) is read in one <see cref="Utf8JsonReader"/> pass that copies each string's UTF-8 bytes into the
/// observation's COPY row: no object and no string per observation. A record of another kind, or an observation
/// in any other form (other property names, numbers as strings, duplicates), is read by the source-generated
/// <see cref="WireJsonContext"/> on its own; a body the fast pass cannot read at all (bad JSON, another top-level
/// shape) is read again whole by the generated path. What is accepted, and every error, is therefore the
/// generated reader's.
/// </para>
/// </summary>
internal static partial class IngestBodyReader
{
    /// <summary>Reads the whole (decompressed) body into a pooled buffer, then parses it.</summary>
    public static async Task<IngestPayload?> ReadAsync(Stream body, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var grown = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }
                var n = await body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                length += n;
            }
            return Read(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The batch in <paramref name="json"/>; null for a JSON <c>null</c>; throws as the generated deserializer does.</summary>
    public static IngestPayload? Read(ReadOnlySpan<byte> json)
    {
        var payload = new IngestPayload();
        var scratch = new Scratch();
        try
        {
            if (TryReadFast(json, payload, scratch))
            {
                return payload;
            }
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            // Read below by the generated path, which gives the error (with its path, line and position) or the batch.
        }
        finally
        {
            scratch.Dispose();
        }
        payload.Dispose();
        var batch = JsonSerializer.Deserialize(json, WireJsonContext.Default.IngestBatch);
        return batch is null ? null : IngestPayload.From(batch);
    }

    /// <summary>The fast pass alone: true when it read the whole body (tests use it to know which path read a body).</summary>
    internal static bool TryReadFast(ReadOnlySpan<byte> json, IngestPayload payload)
    {
        using var scratch = new Scratch();
        return TryReadFast(json, payload, scratch);
    }

    private static bool TryReadFast(ReadOnlySpan<byte> json, IngestPayload payload, Scratch scratch)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueIsEscaped ? -1 : TopProperty(reader.ValueSpan);
            if (property < 0 || (seen & (1 << property)) != 0)
            {
                return false;
            }
            seen |= 1 << property;
            reader.Read();
            switch (property)
            {
                case 0 or 1:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }
                    if (property == 0)
                    {
                        payload.EdgeId = reader.GetString()!;
                    }
                    else
                    {
                        payload.StreamId = reader.GetString()!;
                    }
                    break;
                case 2 or 3 or 5:
                    if (property == 5 && reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var seq))
                    {
                        return false;
                    }
                    if (property == 2)
                    {
                        payload.FromSeq = seq;
                    }
                    else if (property == 3)
                    {
                        payload.ToSeq = seq;
                    }
                    else
                    {
                        payload.AfterSeq = seq;
                    }
                    break;
                default:
                    if (reader.TokenType != JsonTokenType.StartArray || !TryReadRecords(ref reader, json, payload, scratch))
                    {
                        return false;
                    }
                    break;
            }
        }
        // afterSeq (bit 5) is optional; the others are required.
        return reader.TokenType == JsonTokenType.EndObject && (seen & 0b11111) == 0b11111 && !reader.Read();
    }

    private static int TopProperty(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("edgeId"u8) ? 0
        : name.SequenceEqual("streamId"u8) ? 1
        : name.SequenceEqual("fromSeq"u8) ? 2
        : name.SequenceEqual("toSeq"u8) ? 3
        : name.SequenceEqual("records"u8) ? 4
        : name.SequenceEqual("afterSeq"u8) ? 5
        : -1;

    private static bool TryReadRecords(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, IngestPayload payload, Scratch scratch)
    {
        Span<TextSlot> slots = stackalloc TextSlot[ObservationRows.Slots];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                payload.Add(null);
                continue;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            var start = reader;
            scratch.Reset();
            if (!TryReadObservation(ref reader, json, payload, slots, scratch))
            {
                reader = start;
                payload.Add(JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.WireRecord));
            }
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>Reads one record if it is an observation in the plain form; false (reader anywhere in the record) otherwise.</summary>
    private static bool TryReadObservation(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, IngestPayload payload, scoped Span<TextSlot> slots, Scratch scratch)
    {
        slots.Fill(TextSlot.Null);
        var seen = 0;
        long seq = 0, sequence = 0;
        DateTimeOffset timestamp = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueIsEscaped ? Unknown : RecordProperty(reader.ValueSpan);
            if (property == Unknown || (seen & (1 << property)) != 0)
            {
                return false;
            }
            seen |= 1 << property;
            reader.Read();
            var ok = property switch
            {
                Kind => reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("observation"u8),
                Seq => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out seq),
                Sequence => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out sequence),
                Timestamp => reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out timestamp),
                // Machine and data item ids are required and not nullable; the other texts may be null.
                _ => reader.TokenType == JsonTokenType.String ? TryText(ref reader, json, scratch, out slots[property])
                    : reader.TokenType == JsonTokenType.Null && property >= FirstOptionalText,
            };
            if (!ok)
            {
                return false;
            }
        }
        const int required = (1 << Kind) | (1 << Seq) | (1 << Timestamp) | (1 << MachineId) | (1 << DataItemId);
        if (reader.TokenType != JsonTokenType.EndObject || (seen & required) != required)
        {
            return false;
        }
        payload.Observations.Add(seq, timestamp, sequence, slots, json, scratch.Bytes, scratch.HasNul);
        payload.AddObservationEntry(seq);
        return true;
    }

    /// <summary>Where a string's UTF-8 bytes are: in the body as they are, or unescaped into the scratch buffer.</summary>
    private static bool TryText(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Scratch scratch, out TextSlot slot)
    {
        if (!reader.ValueIsEscaped)
        {
            // A string token of a single-segment reader starts one byte after the opening quote.
            slot = new TextSlot((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, InScratch: false);
            return Utf8.IsValid(json.Slice(slot.Start, slot.Length));
        }
        slot = scratch.Unescape(ref reader);
        return Utf8.IsValid(scratch.Bytes.Slice(slot.Start, slot.Length));
    }
}
