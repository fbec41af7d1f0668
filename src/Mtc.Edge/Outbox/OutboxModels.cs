namespace Mtc.Edge.Outbox;

/// <summary>
/// One thing the cloud must get, before it has its outbox <c>seq</c>. <see cref="Payload"/> is the record's JSON object
/// without <c>seq</c> (UTF-8); <see cref="Sequence"/> is the agent's sequence of an observation (for gap counts).
/// </summary>
internal sealed record OutboxEntry(string Kind, string? MachineId, long? Sequence, bool IsSample, byte[] Payload);

/// <summary>
/// Where a collector is in its source: the agent's <c>instanceId</c> and the <c>nextSequence</c> to ask for, plus opaque
/// analytics state: one blob (<see cref="AnalyticsState"/>), or per machine (<see cref="Machines"/>, only those that changed),
/// which <see cref="OutboxStore.GetCursor"/> gives back as one blob <c>{ machineId: object, ... }</c>.
/// </summary>
internal sealed record SourceCursor(string? InstanceId, long NextSequence, byte[]? AnalyticsState = null, AnalyticsStates? Machines = null);

/// <summary>
/// Per-machine analytics state objects (JSON) to store with a cursor: the machines that changed, or all of them
/// (<see cref="Full"/>: the source's other stored machines are removed).
/// </summary>
internal sealed record AnalyticsStates(bool Full, IReadOnlyList<KeyValuePair<string, byte[]>> Machines);

/// <summary>A stored record: its outbox seq and payload.</summary>
internal sealed record OutboxRecord(long Seq, string Kind, byte[] Payload);

/// <summary>What the outbox holds right now.</summary>
internal sealed record OutboxStats(
    long Records,
    long PayloadBytes,
    long UsedBytes,
    long FileBytes,
    long? OldestSeq,
    long LastSeq,
    DateTimeOffset? OldestCreated,
    long Quarantined,
    long QuarantinedBatches,
    long DroppedRecords,
    long QuotaDrops);
