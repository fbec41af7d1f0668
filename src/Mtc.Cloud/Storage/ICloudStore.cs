using Mtc.Core.Wire;

namespace Mtc.Cloud.Storage;

/// <summary>
/// Everything the cloud keeps. Two backends implement it (SQLite, PostgreSQL) and one conformance suite
/// tests both. Every method is scoped to a tenant: another tenant's objects do not exist for it.
/// </summary>
internal partial interface ICloudStore : IAsyncDisposable
{
    /// <summary>A short name of the backend (<c>sqlite</c>, <c>postgres</c>).</summary>
    string Backend { get; }

    /// <summary>Applies the migrations not applied yet; returns the versions it applied.</summary>
    Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct);

    Task CreateKeyAsync(ApiKeyRow key, CancellationToken ct);
    Task<ApiKeyRow?> FindKeyAsync(string id, CancellationToken ct);
    Task<IReadOnlyList<ApiKeyRow>> ListKeysAsync(string? tenant, CancellationToken ct);
    Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Stores a one-time sign-in link by the hash of its token.</summary>
    Task CreateSignInLinkAsync(byte[] tokenHash, string tenant, string keyId, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Marks the link used and answers its tenant, or null when it is unknown, used or expired (so it works once).</summary>
    Task<string?> UseSignInLinkAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct);

    /// <summary>Applies a batch exactly once against the stream's high-water mark, in one transaction.</summary>
    Task<IngestResult> IngestAsync(string tenant, IngestBatch batch, DateTimeOffset now, CancellationToken ct);

    /// <summary>The same for a batch as the ingest route reads it from a request body.</summary>
    Task<IngestResult> IngestAsync(string tenant, Ingest.IngestPayload batch, DateTimeOffset now, CancellationToken ct);

    Task<SetupOutcome> SetupEdgeAsync(string tenant, EdgeSetup setup, DateTimeOffset now, CancellationToken ct);

    Task<IReadOnlyList<MachineRow>> ListMachinesAsync(string tenant, CancellationToken ct);
    Task<MachineRow?> GetMachineAsync(string tenant, string machineId, CancellationToken ct);
    Task<IReadOnlyList<CurrentValueRow>> GetCurrentValuesAsync(string tenant, string machineId, CancellationToken ct);
    Task<string?> GetDeviceModelAsync(string tenant, string machineId, CancellationToken ct);

    /// <summary>Ended cycles by start time, oldest first or (<paramref name="newestFirst"/>) newest first, after the cursor.</summary>
    Task<IReadOnlyList<CycleRow>> GetCyclesAsync(
        string tenant, string machineId, TimeRange range, TimeCursor? after, int limit, bool newestFirst, CancellationToken ct);
    Task<CycleRow?> GetLastCycleAsync(string tenant, string machineId, CancellationToken ct);
    /// <summary>The durations of a machine's most recent cycles, newest first.</summary>
    Task<IReadOnlyList<double>> GetRecentCycleDurationsAsync(string tenant, string machineId, int count, CancellationToken ct);

    /// <summary>A machine's event of one type stored last (e.g. its current status interval, open or ended), or null.</summary>
    Task<EventRow?> GetLatestEventAsync(string tenant, string machineId, string type, CancellationToken ct);
    /// <summary>The machine's alarm open now (an alarm event with no end): the newest Fault, else the newest Warning.</summary>
    Task<EventRow?> GetOpenAlarmAsync(string tenant, string machineId, CancellationToken ct);

    /// <summary>
    /// What each of <paramref name="machineIds"/> is doing now, in a fixed number of queries whatever their count: the rows
    /// <see cref="GetCurrentValuesAsync"/>, <see cref="GetLastCycleAsync"/>, <see cref="GetLatestEventAsync"/> (status and
    /// part) and <see cref="GetOpenAlarmAsync"/> give one by one. With <paramref name="valueTypes"/>, only current values of
    /// those types (compared without case). Machines without any row are absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, MachineNow>> GetMachinesNowAsync(
        string tenant, IReadOnlyList<string> machineIds, IReadOnlyList<string>? valueTypes, CancellationToken ct);

    /// <summary>A machine's events of the given types that start before <paramref name="before"/> (all when null), by start time.</summary>
    Task<IReadOnlyList<EventRow>> GetMachineEventsAsync(
        string tenant, string machineId, IReadOnlyList<string> types, DateTimeOffset? before, CancellationToken ct);

    /// <summary>
    /// What a summary over [<paramref name="from"/>, <paramref name="to"/>) needs of the machines' events, by machine and start
    /// time: the <paramref name="types"/> that start before <paramref name="to"/> and end at or after <paramref name="from"/> or
    /// have no end (of status, which follow one another, only the last interval that started before <paramref name="from"/>),
    /// plus every <paramref name="pointTypes"/> event before <paramref name="to"/> (declared setups, paired over all time).
    /// </summary>
    Task<IReadOnlyList<EventRow>> GetEventsTouchingAsync(
        string tenant, IReadOnlyList<string> machineIds, IReadOnlyList<string> types, IReadOnlyList<string> pointTypes,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>
    /// Each machine's last known time: the later of its latest observation timestamp stored (its own clock) and the time its
    /// edge last confirmed its state (<see cref="ConfirmMachinesAsync"/>); machines with neither are absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLastKnownTimesAsync(string tenant, IReadOnlyList<string> machineIds, CancellationToken ct);

    /// <summary>
    /// Records that edge <paramref name="edgeId"/> confirmed each machine's state up to its time (kept when later than the one
    /// stored); machines of another edge or unknown are left out. Returns how many machines took a later time.
    /// </summary>
    Task<int> ConfirmMachinesAsync(string tenant, string edgeId, IReadOnlyList<(string Id, DateTimeOffset At)> machines, CancellationToken ct);

    /// <summary>The machines' cycles that start in [<paramref name="from"/>, <paramref name="to"/>), by machine and start.</summary>
    Task<IReadOnlyList<(string MachineId, CycleRow Cycle)>> GetCyclesOfMachinesAsync(
        string tenant, IReadOnlyList<string> machineIds, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    Task<CycleSummary> GetCycleSummaryAsync(string tenant, string machineId, TimeRange range, CancellationToken ct);

    Task<IReadOnlyList<ObservationRow>> GetObservationsAsync(
        string tenant, string machineId, TimeRange range, string? dataItemId, TimeCursor? after, int limit, CancellationToken ct);

    Task<IReadOnlyList<EdgeRow>> ListEdgesAsync(string tenant, CancellationToken ct);
    Task<EdgeRow?> GetEdgeAsync(string tenant, string edgeId, CancellationToken ct);

    /// <summary>
    /// Keeps a batch the cloud refused for good (the edge quarantines it) when the tenant has its edge; false (and nothing
    /// stored) when it does not. <see cref="EdgeRow.RefusedBatches"/> counts them.
    /// </summary>
    Task<bool> RecordRefusedBatchAsync(string tenant, RefusedBatch batch, DateTimeOffset now, CancellationToken ct);

    Task<IReadOnlyList<EventRow>> GetEventsAsync(string tenant, long afterCursor, string? type, int limit, CancellationToken ct);

    /// <summary>
    /// Takes an idempotency key: insert-first under a unique key; an older than <paramref name="expiredBefore"/> key is
    /// forgotten first; a claim without a response made before <paramref name="leaseBefore"/> (its request died) is taken
    /// over by one conditional update, so exactly one retry wins it.
    /// </summary>
    Task<IdempotencyBegin> BeginIdempotentAsync(
        string tenant, string key, string fingerprint, DateTimeOffset now, DateTimeOffset expiredBefore, DateTimeOffset leaseBefore,
        CancellationToken ct);

    /// <summary>
    /// Stores an external event and the response of its idempotency key in one transaction, if the claim made at
    /// <paramref name="claimedAt"/> still holds the key; false (nothing stored) when another request took it over.
    /// </summary>
    Task<bool> AddExternalEventAsync(
        string tenant, ExternalEvent ev, string idempotencyKey, DateTimeOffset claimedAt, int status, string responseBody, CancellationToken ct);

    /// <summary>Forgets a key whose request did not complete, so that it can be retried (only while the claim is still this one).</summary>
    Task ReleaseIdempotencyAsync(string tenant, string key, DateTimeOffset claimedAt, CancellationToken ct);

    /// <summary>A trivial query: throws when the database does not answer.</summary>
    Task PingAsync(CancellationToken ct);

    /// <summary>Every tenant's edges with their last contact and newest record time (for metrics).</summary>
    Task<IReadOnlyList<EdgeActivityRow>> ListEdgeActivityAsync(CancellationToken ct);

    /// <summary>Removes observations older than the cutoff and idempotency keys older than their lifetime.</summary>
    Task<int> ApplyRetentionAsync(DateTimeOffset observationsBefore, DateTimeOffset keysBefore, CancellationToken ct);
}
