namespace Mtc.Cloud.Storage;

/// <summary>An API key as stored: only a hash of its secret.</summary>
public sealed record ApiKeyRow(
    string Id,
    string Tenant,
    string Name,
    IReadOnlyList<string> Scopes,
    byte[] SecretHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt);

internal sealed record EdgeSetup(string EdgeId, string? Name, IReadOnlyList<MachineSetup> Machines);

internal sealed record MachineSetup(string Id, string? Name, string? Uuid);

internal enum SetupStatus
{
    Created,
    Updated,
    Unchanged,
    Conflict,
}

internal sealed record SetupOutcome(SetupStatus Status, string? ConflictMachineId = null);

internal sealed record MachineRow(
    string Id,
    string? Name,
    string? Uuid,
    string? EdgeId,
    DateTimeOffset? LastSeen,
    bool HasDeviceModel);

internal sealed record CurrentValueRow(
    string DataItemId,
    string? Name,
    string? Category,
    string? Type,
    string? Value,
    string? Level,
    DateTimeOffset Timestamp,
    long Sequence);

internal sealed record CycleRow(
    long Id,
    string EventId,
    DateTimeOffset Start,
    DateTimeOffset End,
    double DurationSeconds,
    double? ActiveSeconds,
    double? InterruptedSeconds,
    string? Program,
    long? Parts,
    string? Completion);

internal sealed record CycleSummary(long Count, double? Mean, double? Median, double? P90, double? Min, double? Max);

internal sealed record ObservationRow(
    long Id,
    string DataItemId,
    long Sequence,
    string? InstanceId,
    DateTimeOffset Timestamp,
    string? Value,
    string? Name,
    string? Category,
    string? Type,
    string? SubType,
    string? Level,
    string? NativeCode,
    string? NativeSeverity,
    string? Qualifier,
    string? ConditionId);

internal sealed record EdgeRow(
    string Id,
    string? Name,
    bool Registered,
    DateTimeOffset? LastSeen,
    string? StatusJson,
    IReadOnlyList<StreamRow> Streams,
    long RefusedBatches = 0);

/// <summary>A batch the cloud refused for good, with the problem it answered.</summary>
internal sealed record RefusedBatch(string EdgeId, string? StreamId, long FromSeq, long ToSeq, int Status, string? ProblemType, string? Detail);

internal sealed record StreamRow(
    string StreamId,
    long Hwm,
    long RecordsReceived,
    long Gaps,
    long MissedKnown,
    DateTimeOffset LastSeen);

internal sealed record EventRow(
    long Cursor,
    string Id,
    string Source,
    string Type,
    string? MachineId,
    string? EdgeId,
    DateTimeOffset Start,
    DateTimeOffset? End,
    string? DataJson);

internal sealed record ExternalEvent(string Id, string MachineId, string Type, DateTimeOffset Timestamp, string? DataJson);

/// <summary>A page position: rows strictly after (time, id) in (time, id) order.</summary>
internal readonly record struct TimeCursor(DateTimeOffset Time, long Id);

internal sealed record TimeRange(DateTimeOffset? From, DateTimeOffset? To);

internal enum IdempotencyState
{
    Started,
    Replay,
    Mismatch,
    InFlight,
}

/// <summary>
/// The outcome of taking a key. <see cref="ClaimedAt"/> is the claim's time: for <see cref="IdempotencyState.Started"/> the
/// token the owner writes under, for <see cref="IdempotencyState.InFlight"/> when the running claim was made.
/// </summary>
internal sealed record IdempotencyBegin(
    IdempotencyState State, int Status = 0, string? Body = null, DateTimeOffset? ClaimedAt = null, bool TakenOver = false);

/// <summary>An edge's last contact (its newest batch) and the time of the newest observation it sent, if any.</summary>
internal sealed record EdgeActivityRow(string Tenant, string EdgeId, DateTimeOffset LastContact, DateTimeOffset? NewestRecord);

/// <summary>A machine's rows that say what it is doing now (see <see cref="ICloudStore.GetMachinesNowAsync"/>).</summary>
internal sealed record MachineNow(
    IReadOnlyList<CurrentValueRow> Values, CycleRow? LastCycle, EventRow? Status, EventRow? Part, EventRow? Alarm)
{
    public static readonly MachineNow None = new([], null, null, null, null);
}
