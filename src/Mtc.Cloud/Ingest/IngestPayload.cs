using Mtc.Core.Wire;

namespace Mtc.Cloud.Ingest;

/// <summary>
/// An ingest batch as the store applies it: the observations encoded in <see cref="ObservationRows"/>, the other
/// record kinds as records, and every record's seq in body order. Read from a request by
/// <see cref="IngestBodyReader"/>, or made from an <see cref="IngestBatch"/>.
/// </summary>
internal sealed class IngestPayload : IDisposable
{
    private readonly List<IngestEntry> _entries = [];
    private readonly List<WireRecord> _others = [];

    public string EdgeId { get; set; } = "";
    public string StreamId { get; set; } = "";
    public long FromSeq { get; set; }
    public long ToSeq { get; set; }

    public ObservationRows Observations { get; } = new();

    /// <summary>Every record in body order (observations and others, and nulls as the body had them).</summary>
    public IReadOnlyList<IngestEntry> Entries => _entries;

    /// <summary>The records that are not observations, in body order.</summary>
    public IReadOnlyList<WireRecord> Others => _others;

    public static IngestPayload From(IngestBatch batch)
    {
        var payload = new IngestPayload { EdgeId = batch.EdgeId, StreamId = batch.StreamId, FromSeq = batch.FromSeq, ToSeq = batch.ToSeq };
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
                _entries.Add(new IngestEntry(0, IngestEntry.NullRecord));
                break;
            case ObservationRecord o:
                AddObservationEntry(o.Seq);
                Observations.Add(o);
                break;
            default:
                _entries.Add(new IngestEntry(record.Seq, _others.Count));
                _others.Add(record);
                break;
        }
    }

    /// <summary>Notes an observation added to <see cref="Observations"/> by the caller.</summary>
    public void AddObservationEntry(long seq) => _entries.Add(new IngestEntry(seq, IngestEntry.ObservationRecord));

    public void Dispose() => Observations.Dispose();
}

/// <summary>A record of a payload: its seq and where it is (an observation row, an index in <see cref="IngestPayload.Others"/>, or null).</summary>
internal readonly record struct IngestEntry(long Seq, int Other)
{
    public const int ObservationRecord = -1;
    public const int NullRecord = -2;

    public bool IsNull => Other == NullRecord;
}
