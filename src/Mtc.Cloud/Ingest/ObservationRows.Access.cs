using System.Buffers.Binary;
using System.Text;
using Mtc.Cloud.Storage;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Ingest;

/// <summary>A text field of an observation being read: where its UTF-8 bytes are, or null (length -1).</summary>
internal readonly record struct TextSlot(int Start, int Length, bool InScratch)
{
    public static readonly TextSlot Null = new(0, -1, false);
}

/// <summary>The latest value of a data item in a batch, for the machine-state table.</summary>
internal sealed record LatestValue(
    string MachineId, string DataItemId, string? Name, string? Category, string? Type, string? Value, string? Level,
    DateTimeOffset Timestamp, long Sequence);

internal sealed partial class ObservationRows
{
    /// <summary>Slots of an observation read straight from JSON: machine id, data item id, then the 11 optional texts in column order.</summary>
    public const int Slots = 13;

    /// <summary>
    /// Adds an observation whose texts are UTF-8 bytes of the request body (or of a scratch buffer, for strings
    /// that had escapes), so a plain string goes from the request to PostgreSQL without becoming a .NET string.
    /// </summary>
    /// <para>
    /// A raw JSON string holds no control byte; only an escaped one can hold a 0x00 (from <c>\u0000</c>). When the
    /// scratch has one (<paramref name="scratchHasNul"/>), its free texts are written with U+FFFD in place of U+0000
    /// (<see cref="StoredText"/>); the machine and data item ids are kept as sent, for the batch's check to refuse.
    /// </para>
    public void Add(long seq, DateTimeOffset timestamp, long sequence, ReadOnlySpan<TextSlot> slots, ReadOnlySpan<byte> body, ReadOnlySpan<byte> scratch,
        bool scratchHasNul = false)
    {
        var start = BeginRow(seq, timestamp, sequence, 256);
        var machine = Slice(slots[0], body, scratch);
        var item = Slice(slots[1], body, scratch);
        WriteText(machine);
        WriteTimestamp(_rows[_count].Micros);
        WriteText(item);
        WriteInt64(sequence);
        for (var i = 2; i < Slots; i++)
        {
            if (slots[i].Length < 0)
            {
                WriteNull();
            }
            else if (scratchHasNul && slots[i].InScratch)
            {
                WriteCleanText(Slice(slots[i], body, scratch));
            }
            else
            {
                WriteText(Slice(slots[i], body, scratch));
            }
        }
        EndRow(start, KeyOf(MachineIndex(machine), item));
    }

    private void WriteCleanText(ReadOnlySpan<byte> utf8)
    {
        Reserve(4 + (utf8.Length * StoredText.ReplacementUtf8.Length));
        var n = StoredText.CleanUtf8(utf8, _bytes.AsSpan(_length + 4));
        BinaryPrimitives.WriteInt32BigEndian(_bytes.AsSpan(_length), n);
        _length += 4 + n;
    }

    private static ReadOnlySpan<byte> Slice(TextSlot slot, ReadOnlySpan<byte> body, ReadOnlySpan<byte> scratch) =>
        (slot.InScratch ? scratch : body).Slice(slot.Start, slot.Length);

    /// <summary>The machine of UTF-8 bytes: the previous row's, else one seen before (a batch has few), else a new one.</summary>
    private int MachineIndex(ReadOnlySpan<byte> utf8)
    {
        if (_lastMachine >= 0 && utf8.SequenceEqual(_machinesUtf8[_lastMachine]))
        {
            return _lastMachine;
        }
        for (var i = 0; i < _machinesUtf8.Count; i++)
        {
            if (utf8.SequenceEqual(_machinesUtf8[i]))
            {
                return _lastMachine = i;
            }
        }
        return MachineIndex(Encoding.UTF8.GetString(utf8));
    }

    private int KeyOf(int machine, ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        chars = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        return _keysByMachine[machine].GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var key)
            ? key
            : KeyOf(machine, new string(chars));
    }

    /// <summary>A text field of a row body (<see cref="NameField"/> and the like), or null.</summary>
    public string? Text(int row, int field)
    {
        var body = Body(row);
        var at = 0;
        for (var f = 0; f < field; f++)
        {
            at += 4 + Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(body[at..]));
        }
        var length = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
        return length < 0 ? null : Encoding.UTF8.GetString(body.Slice(at + 4, length));
    }

    /// <summary>The first optional text field of a row body (instance id); <see cref="ReadTexts"/> reads from here on.</summary>
    public const int FirstTextField = 5;

    /// <summary>The optional texts of a row body (instance id .. condition id), in column order.</summary>
    public const int TextFields = BodyColumns - FirstTextField;

    /// <summary>
    /// The row's optional texts (instance id .. condition id) in one pass over its body, for backends that insert row by
    /// row. A text equal to the one the previous call gave for the same field is that same string: a batch repeats its
    /// instance id, names, categories and types on most rows, and a repeat costs no allocation.
    /// </summary>
    public void ReadTexts(int row, Span<string?> texts)
    {
        var body = Body(row);
        var at = 0;
        for (var f = 0; f < FirstTextField; f++)
        {
            at += 4 + Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(body[at..]));
        }
        for (var f = 0; f < TextFields; f++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
            if (length < 0)
            {
                texts[f] = null;
                at += 4;
                continue;
            }
            var utf8 = body.Slice(at + 4, length);
            at += 4 + length;
            ref var last = ref _lastTexts[f];
            if (last.Text is null || !utf8.SequenceEqual(last.Utf8))
            {
                last = (utf8.ToArray(), Encoding.UTF8.GetString(utf8));
            }
            texts[f] = last.Text;
        }
    }

    private readonly (byte[] Utf8, string? Text)[] _lastTexts = new (byte[], string?)[TextFields];

    /// <summary>The row as a record again.</summary>
    public ObservationRecord ToRecord(int row)
    {
        var r = _rows[row];
        return new ObservationRecord
        {
            Seq = r.Seq,
            MachineId = MachineOf(row),
            DataItemId = DataItemOf(row),
            Timestamp = r.Timestamp,
            Sequence = r.Sequence,
            InstanceId = Text(row, 5),
            Name = Text(row, NameField),
            Category = Text(row, CategoryField),
            Type = Text(row, TypeField),
            SubType = Text(row, 9),
            Value = Text(row, ValueField),
            Level = Text(row, LevelField),
            NativeCode = Text(row, 12),
            NativeSeverity = Text(row, 13),
            Qualifier = Text(row, 14),
            ConditionId = Text(row, 15),
        };
    }

    /// <summary>The machines of the rows after a seq.</summary>
    public IEnumerable<string> MachinesAfter(long seq)
    {
        var seen = new bool[_machines.Count];
        for (var i = 0; i < _count; i++)
        {
            if (_rows[i].Seq > seq)
            {
                seen[_keys[_rows[i].Key].Machine] = true;
            }
        }
        return _machines.Where((_, i) => seen[i]);
    }

    /// <summary>
    /// Per data item, the row after <paramref name="seq"/> with the latest (time, sequence, record seq), ordered by
    /// machine id and data item id so that concurrent batches lock current values in one order.
    /// </summary>
    public List<LatestValue> LatestAfter(long seq)
    {
        var best = new int[_keys.Count];
        Array.Fill(best, -1);
        for (var i = 0; i < _count; i++)
        {
            var r = _rows[i];
            if (r.Seq <= seq)
            {
                continue;
            }
            var b = best[r.Key];
            if (b < 0 || (r.Micros, r.Sequence, r.Seq).CompareTo((_rows[b].Micros, _rows[b].Sequence, _rows[b].Seq)) > 0)
            {
                best[r.Key] = i;
            }
        }
        var latest = new List<LatestValue>();
        foreach (var i in best)
        {
            if (i >= 0)
            {
                var r = _rows[i];
                latest.Add(new LatestValue(MachineOf(i), DataItemOf(i), Text(i, NameField), Text(i, CategoryField), Text(i, TypeField),
                    Text(i, ValueField), Text(i, LevelField), r.Timestamp, r.Sequence));
            }
        }
        latest.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.MachineId, b.MachineId);
            return c != 0 ? c : string.CompareOrdinal(a.DataItemId, b.DataItemId);
        });
        return latest;
    }
}
