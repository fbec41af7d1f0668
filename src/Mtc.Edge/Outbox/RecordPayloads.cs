using System.Text.Json;

namespace Mtc.Edge.Outbox;

/// <summary>Outbox payloads: a wire record's JSON object without its <c>seq</c> (the outbox assigns it when the batch is sent).</summary>
internal static class RecordPayloads
{
    public static byte[] Gap(string? machineId, string source, long? missed, long? fromSequence, long? toSequence, string reason) =>
        Write(w =>
        {
            w.WriteString("kind", "gap");
            if (machineId is not null)
            {
                w.WriteString("machineId", machineId);
            }
            w.WriteString("source", source);
            WriteNumber(w, "missed", missed);
            WriteNumber(w, "fromSequence", fromSequence);
            WriteNumber(w, "toSequence", toSequence);
            w.WriteString("reason", reason);
        });

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
