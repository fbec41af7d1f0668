using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Ingest;

/// <summary>
/// The observations of one batch, each kept as the body of a PostgreSQL binary COPY row in one pooled buffer,
/// with the values the ingest transaction decides on beside it (seq, time, sequence, data item). PostgreSQL
/// takes the bytes as they are; SQLite and the current-values upsert decode the few fields they need.
/// An observation costs no object and no string: the hot path of ingest allocates per batch, not per row.
/// </summary>
internal sealed partial class ObservationRows : IDisposable
{
    /// <summary>The COPY columns: three the batch gives every row (<see cref="RowPrefixColumns"/>), then the encoded row body.</summary>
    public const string CopyColumns =
        "tenant, edge_id, stream_id, record_seq, machine_id, ts, data_item_id, seq, instance_id, name, category, type, sub_type, " +
        "value, level, native_code, native_severity, qualifier, condition_id";

    public const int RowPrefixColumns = 3;
    public const int BodyColumns = 16;

    // Positions of the fields in a row body.
    internal const int NameField = 6;
    internal const int CategoryField = 7;
    internal const int TypeField = 8;
    internal const int ValueField = 10;
    internal const int LevelField = 11;

    /// <summary>PostgreSQL's timestamps count microseconds from 2000-01-01 UTC.</summary>
    private static readonly long PostgresEpochTicks = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _length;
    private ObservationRow[] _rows = ArrayPool<ObservationRow>.Shared.Rent(64);
    private int _count;
    private readonly List<string> _machines = [];
    private readonly List<(int Machine, string DataItem)> _keys = [];
    private readonly List<Dictionary<string, int>> _keysByMachine = [];
    private readonly HashSet<DateOnly> _days = [];
    private long _lastDay = -1;
    private readonly List<byte[]> _machinesUtf8 = [];
    private int _lastMachine = -1;

    public int Count => _count;

    /// <summary>The first row whose data item id holds a control character (the batch is refused), or -1.</summary>
    public int FirstRowWithBadDataItem { get; private set; } = -1;

    public ObservationRow this[int index] => _rows[index];

    /// <summary>The distinct UTC days of the observations' timestamps.</summary>
    public IReadOnlyCollection<DateOnly> Days => _days;

    public string MachineOf(int row) => _machines[_keys[_rows[row].Key].Machine];

    public string DataItemOf(int row) => _keys[_rows[row].Key].DataItem;

    /// <summary>Row body bytes (from <c>record_seq</c> on) of a row, as COPY takes them after the three batch columns.</summary>
    public ReadOnlySpan<byte> Body(int row) => _bytes.AsSpan(_rows[row].Offset, _rows[row].Length);

    /// <summary>Adds an observation read by a deserializer.</summary>
    public void Add(ObservationRecord o)
    {
        var start = BeginRow(o.Seq, o.Timestamp, o.Sequence, Encoding.UTF8.GetMaxByteCount(o.MachineId.Length + o.DataItemId.Length) + 256);
        WriteText(o.MachineId);
        WriteTimestamp(_rows[_count].Micros);
        WriteText(o.DataItemId);
        WriteInt64(o.Sequence);
        WriteText(o.InstanceId);
        WriteText(o.Name);
        WriteText(o.Category);
        WriteText(o.Type);
        WriteText(o.SubType);
        WriteText(o.Value);
        WriteText(o.Level);
        WriteText(o.NativeCode);
        WriteText(o.NativeSeverity);
        WriteText(o.Qualifier);
        WriteText(o.ConditionId);
        EndRow(start, KeyOf(MachineIndex(o.MachineId), o.DataItemId));
    }

    /// <summary>Reserves room and writes the row's first field; the row's metadata is completed by <see cref="EndRow"/>.</summary>
    private int BeginRow(long seq, DateTimeOffset timestamp, long sequence, int room)
    {
        if (_count == _rows.Length)
        {
            var grown = ArrayPool<ObservationRow>.Shared.Rent(_rows.Length * 2);
            _rows.AsSpan(0, _count).CopyTo(grown);
            ArrayPool<ObservationRow>.Shared.Return(_rows);
            _rows = grown;
        }
        var ticks = timestamp.UtcTicks - (timestamp.UtcTicks % 10);
        var micros = (ticks - PostgresEpochTicks) / 10;
        _rows[_count] = new ObservationRow(seq, micros, sequence, -1, _length, 0);
        if (ticks / TimeSpan.TicksPerDay != _lastDay)
        {
            _lastDay = ticks / TimeSpan.TicksPerDay;
            _days.Add(DateOnly.FromDateTime(new DateTime(ticks, DateTimeKind.Utc)));
        }
        Reserve(room);
        var start = _length;
        WriteInt64(seq);
        return start;
    }

    private void EndRow(int start, int key)
    {
        _rows[_count] = _rows[_count] with { Key = key, Length = _length - start };
        _count++;
    }

    private void Reserve(int room)
    {
        if (_bytes.Length - _length >= room)
        {
            return;
        }
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + room));
        _bytes.AsSpan(0, _length).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = grown;
    }

    private void WriteInt64(long value)
    {
        Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(_bytes.AsSpan(_length), 8);
        BinaryPrimitives.WriteInt64BigEndian(_bytes.AsSpan(_length + 4), value);
        _length += 12;
    }

    private void WriteTimestamp(long micros) => WriteInt64(micros);

    private void WriteNull()
    {
        Reserve(4);
        BinaryPrimitives.WriteInt32BigEndian(_bytes.AsSpan(_length), -1);
        _length += 4;
    }

    private void WriteText(string? value)
    {
        value = StoredText.Clean(value);
        if (value is null)
        {
            WriteNull();
            return;
        }
        Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, _bytes.AsSpan(_length + 4));
        BinaryPrimitives.WriteInt32BigEndian(_bytes.AsSpan(_length), n);
        _length += 4 + n;
    }

    private void WriteText(ReadOnlySpan<byte> utf8)
    {
        Reserve(4 + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(_bytes.AsSpan(_length), utf8.Length);
        utf8.CopyTo(_bytes.AsSpan(_length + 4));
        _length += 4 + utf8.Length;
    }

    private int MachineIndex(string machineId)
    {
        if (_lastMachine >= 0 && string.Equals(_machines[_lastMachine], machineId, StringComparison.Ordinal))
        {
            return _lastMachine;
        }
        var index = _machines.IndexOf(machineId);
        if (index < 0)
        {
            index = _machines.Count;
            _machines.Add(machineId);
            _machinesUtf8.Add(Encoding.UTF8.GetBytes(machineId));
            _keysByMachine.Add(new Dictionary<string, int>(StringComparer.Ordinal));
        }
        _lastMachine = index;
        return index;
    }

    private int KeyOf(int machine, string dataItemId)
    {
        var keys = _keysByMachine[machine];
        if (!keys.TryGetValue(dataItemId, out var key))
        {
            key = _keys.Count;
            _keys.Add((machine, dataItemId));
            if (FirstRowWithBadDataItem < 0 && QueryParsing.ControlCharacterAt(dataItemId) >= 0)
            {
                FirstRowWithBadDataItem = _count;
            }
            keys.Add(dataItemId, key);
        }
        return key;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<ObservationRow>.Shared.Return(_rows);
        _bytes = [];
        _rows = [];
        _count = 0;
        FirstRowWithBadDataItem = -1;
        _length = 0;
    }
}

/// <summary>One encoded observation: its record seq, time (µs since 2000-01-01 UTC), agent sequence, data item key and bytes.</summary>
internal readonly record struct ObservationRow(long Seq, long Micros, long Sequence, int Key, int Offset, int Length)
{
    public DateTimeOffset Timestamp => new(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks + (Micros * 10), TimeSpan.Zero);
}
