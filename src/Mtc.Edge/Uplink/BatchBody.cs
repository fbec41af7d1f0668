using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Uplink;

/// <summary>
/// The <c>POST /api/ext/data</c> body for contiguous outbox records: <c>{edgeId, streamId, fromSeq, toSeq, afterSeq, records}</c>,
/// each record its stored JSON object with <c>seq</c> put first. Built from the stored bytes without re-serialising.
/// <c>afterSeq</c> is the last seq of the batch still in flight that this one follows, 0 when none is.
/// </summary>
internal static class BatchBody
{
    public static byte[] Build(string edgeId, string streamId, IReadOnlyList<OutboxRecord> records, long afterSeq = 0)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        var buffer = new ArrayBufferWriter<byte>(records.Sum(r => r.Payload.Length + 24) + 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("edgeId", edgeId);
            w.WriteString("streamId", streamId);
            w.WriteNumber("fromSeq", records[0].Seq);
            w.WriteNumber("toSeq", records[^1].Seq);
            w.WriteNumber("afterSeq", afterSeq);
            w.WritePropertyName("records");
            w.WriteStartArray();
            w.Flush();
            var first = true;
            foreach (var r in records)
            {
                if (!first)
                {
                    buffer.Write(","u8);
                }
                first = false;
                buffer.Write(Encoding.ASCII.GetBytes($"{{\"seq\":{r.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
                var rest = r.Payload.AsSpan(1); // after '{'
                if (rest.Length > 1)
                {
                    buffer.Write(","u8);
                }
                buffer.Write(rest);
            }
            buffer.Write("]}"u8);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream(body.Length / 4 + 64);
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(body);
        }
        return output.ToArray();
    }
}
