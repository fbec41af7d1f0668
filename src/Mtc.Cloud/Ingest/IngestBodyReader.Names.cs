using System.Buffers;
using System.Text.Json;

namespace Mtc.Cloud.Ingest;

internal static partial class IngestBodyReader
{
    // Properties of an observation record. The texts come first, numbered as their ObservationRows slots.
    private const int MachineId = 0;
    private const int DataItemId = 1;
    private const int FirstOptionalText = 2;
    private const int Kind = 13;
    private const int Seq = 14;
    private const int Sequence = 15;
    private const int Timestamp = 16;
    private const int Unknown = -1;

    private static int RecordProperty(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("seq"u8) => Seq,
        4 when name.SequenceEqual("kind"u8) => Kind,
        4 when name.SequenceEqual("name"u8) => 3,
        4 when name.SequenceEqual("type"u8) => 5,
        5 when name.SequenceEqual("value"u8) => 7,
        5 when name.SequenceEqual("level"u8) => 8,
        7 when name.SequenceEqual("subType"u8) => 6,
        8 when name.SequenceEqual("sequence"u8) => Sequence,
        8 when name.SequenceEqual("category"u8) => 4,
        9 when name.SequenceEqual("machineId"u8) => MachineId,
        9 when name.SequenceEqual("timestamp"u8) => Timestamp,
        9 when name.SequenceEqual("qualifier"u8) => 11,
        10 when name.SequenceEqual("dataItemId"u8) => DataItemId,
        10 when name.SequenceEqual("instanceId"u8) => 2,
        10 when name.SequenceEqual("nativeCode"u8) => 9,
        11 when name.SequenceEqual("conditionId"u8) => 12,
        14 when name.SequenceEqual("nativeSeverity"u8) => 10,
        _ => Unknown,
    };

    /// <summary>Unescaped strings of the record being read (most records have none).</summary>
    private sealed class Scratch : IDisposable
    {
        private byte[] _bytes = [];
        private int _length;

        public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

        /// <summary>Whether an unescaped string of the record holds a 0x00 byte (an escaped U+0000).</summary>
        public bool HasNul { get; private set; }

        public void Reset()
        {
            _length = 0;
            HasNul = false;
        }

        public TextSlot Unescape(ref Utf8JsonReader reader)
        {
            // Unescaping never makes a string longer than its escaped form.
            var room = reader.ValueSpan.Length;
            if (_bytes.Length - _length < room)
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(1024, (_length + room) * 2));
                _bytes.AsSpan(0, _length).CopyTo(grown);
                Dispose();
                _bytes = grown;
            }
            var n = reader.CopyString(_bytes.AsSpan(_length));
            var slot = new TextSlot(_length, n, InScratch: true);
            HasNul |= _bytes.AsSpan(_length, n).Contains((byte)0);
            _length += n;
            return slot;
        }

        public void Dispose()
        {
            if (_bytes.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_bytes);
            }
            _bytes = [];
        }
    }
}
