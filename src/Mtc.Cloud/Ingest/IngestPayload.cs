using System.Buffers;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Ingest;

/// <summary>
/// An ingest batch as the store applies it: the observations encoded in <see cref="ObservationRows"/>, the other
/// record kinds as records, and every record's seq in body order. Read from a request by
/// <see cref="IngestBodyReader"/>, or made from an <see cref="IngestBatch"/>.
/// </summary>
internal sealed class IngestPayload : IDisposable
{
    private IngestEntry[] _entries = ArrayPool<IngestEntry>.Shared.Rent(64);
    private int _count;
    private readonly List<WireRecord> _others = [];

    public string EdgeId { get; set; } = "";
    public string StreamId { get; set; } = "";
    public long FromSeq { get; set; }
    public long ToSeq { get; set; }

    /// <summary>The last seq of the batch this one follows (null or 0: none); see <see cref="IngestBatch"/>.</summary>
    public long? AfterSeq { get; set; }

    public ObservationRows Observations { get; } = new();

    /// <summary>Every record in body order (observations and others, and nulls as the body had them).</summary>
    public ArraySegment<IngestEntry> Entries => new(_entries, 0, _count);

    /// <summary>The records that are not observations, in body order.</summary>
    public IReadOnlyList<WireRecord> Others => _others;

    public static IngestPayload From(IngestBatch batch)
    {
        var payload = new IngestPayload { EdgeId = batch.EdgeId, StreamId = batch.StreamId, FromSeq = batch.FromSeq, ToSeq = batch.ToSeq, AfterSeq = batch.AfterSeq };
        foreach (var record in batch.Records)
        {
            payload.Add(record);
        }
        return payload;
    }

    public void Add(WireRecord? record)
    {
        switch (record)
        {
            case null:
                AddEntry(new IngestEntry(0, IngestEntry.NullRecord));
                break;
            case ObservationRecord o:
                AddObservationEntry(o.Seq);
                Observations.Add(o);
                break;
            default:
                AddEntry(new IngestEntry(record.Seq, _others.Count));
                _others.Add(record);
                break;
        }
    }

    /// <summary>Notes an observation added to <see cref="Observations"/> by the caller.</summary>
    public void AddObservationEntry(long seq) => AddEntry(new IngestEntry(seq, IngestEntry.ObservationRecord));

    // A pooled array: a batch of thousands of records would otherwise leave a trail of grown lists, the last ones
    // on the large object heap.
    private void AddEntry(IngestEntry entry)
    {
        if (_count == _entries.Length)
        {
            var grown = ArrayPool<IngestEntry>.Shared.Rent(_entries.Length * 2);
            _entries.AsSpan(0, _count).CopyTo(grown);
            ArrayPool<IngestEntry>.Shared.Return(_entries);
            _entries = grown;
        }
        _entries[_count++] = entry;
    }

    public void Dispose()
    {
        Observations.Dispose();
        if (_entries.Length > 0)
        {
            ArrayPool<IngestEntry>.Shared.Return(_entries);
        }
        _entries = [];
        _count = 0;
    }
}

/// <summary>A record of a payload: its seq and where it is (an observation row, an index in <see cref="IngestPayload.Others"/>, or null).</summary>
internal readonly record struct IngestEntry(long Seq, int Other)
{
    public const int ObservationRecord = -1;
    public const int NullRecord = -2;

    public bool IsNull => Other == NullRecord;
}
