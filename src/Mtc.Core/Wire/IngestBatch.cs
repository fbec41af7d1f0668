using System.Text.Json.Serialization;

namespace Mtc.Core.Wire;

/// <summary>
/// The body of <c>POST /api/ext/data</c>: contiguous outbox records <c>fromSeq..toSeq</c> of one edge stream.
/// The cloud applies it exactly once against its per-stream high-water mark. <c>afterSeq</c>, when given, is the last seq
/// of the batch this one follows (an edge with several batches in flight): the cloud applies the batch only once its mark
/// has reached it, and otherwise answers 409 <c>predecessor-missing</c>, so a batch that overtook the one before it is never
/// stored first (which would skip the earlier one's records as already delivered). 0, or none, follows nothing: a jump
/// from the mark to <c>fromSeq</c> is then records the edge no longer has (its quota dropped them, reported as gap records).
/// </summary>
public sealed record IngestBatch(
    string EdgeId,
    string StreamId,
    long FromSeq,
    long ToSeq,
    IReadOnlyList<WireRecord> Records,
    long? AfterSeq = null);

/// <summary>
/// The answer to an ingest batch: the stream's new high-water mark, what happened to the records, and the mark before the
/// batch. An edge that finds the cloud held more of its stream than it ever sent (an outbox restored from a backup or
/// copied from another edge) continues under a new stream id, so nothing it collects is skipped as already delivered.
/// <c>afterSeq</c> repeats the batch's own: a cloud that answers it checked it, so the edge may keep several batches in flight.
/// </summary>
public sealed record IngestResult(long Hwm, int Accepted, int Skipped, long PreviousHwm, long? AfterSeq = null);

/// <summary>One outbox record. <c>kind</c> says which of the derived records it is.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ObservationRecord), WireKinds.Observation)]
[JsonDerivedType(typeof(DeviceModelRecord), WireKinds.DeviceModel)]
[JsonDerivedType(typeof(DerivedEventRecord), WireKinds.DerivedEvent)]
[JsonDerivedType(typeof(GapRecord), WireKinds.Gap)]
[JsonDerivedType(typeof(EdgeStatusRecord), WireKinds.EdgeStatus)]
public abstract record WireRecord
{
    /// <summary>The outbox sequence number: increasing, never reused within a stream.</summary>
    public required long Seq { get; init; }
}

public static class WireKinds
{
    public const string Observation = "observation";
    public const string DeviceModel = "deviceModel";
    public const string DerivedEvent = "derivedEvent";
    public const string Gap = "gap";
    public const string EdgeStatus = "edgeStatus";
}
