using Mtc.Core.Analytics;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Status;

/// <summary>The answer of <c>/api/status</c>.</summary>
internal sealed record EdgeStatusReport(
    string EdgeId,
    DateTimeOffset Now,
    DateTimeOffset Started,
    bool Ready,
    IReadOnlyList<SourceReport> Sources,
    IReadOnlyList<MachineReport> Machines,
    OutboxReport Outbox,
    UplinkReport Uplink)
{
    public static EdgeStatusReport From(string edgeId, EdgeState state, OutboxStats stats, string streamId, long maxBytes, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var sources = state.Sources.Select(s =>
        {
            var (shown, error) = s.Reported(now);
            return new SourceReport(s.Key, s.Kind, s.Address, shown, s.InstanceId, s.NextSequence, s.Observations, s.Gaps, s.LastData, error, s.MalformedLines);
        }).ToList();
        var up = state.Uplink;
        return new EdgeStatusReport(
            edgeId, now, state.Started, IsReady(state),
            sources,
            [.. state.Machines.Select(m => Machine(m, state.Activity(m.Id), state.Snapshot(m.Id)))],
            new OutboxReport(streamId, stats.Records, stats.UsedBytes, stats.FileBytes, maxBytes, stats.OldestSeq, stats.LastSeq,
                stats.OldestCreated is { } c ? Math.Max(0, (now - c).TotalSeconds) : 0,
                stats.DroppedRecords, stats.QuotaDrops, stats.Quarantined, stats.QuarantinedBatches),
            new UplinkReport(up.State, up.Hwm, up.LastSuccess, up.FailingSince, up.LastError, up.LastLatency?.TotalMilliseconds, up.NextAttempt,
                up.BatchesSent, up.BatchesRetried, up.BatchesQuarantined, up.SetupStatus));
    }

    private static MachineReport Machine(Uplink.SetupMachine m, MachineActivity? a, MachineSnapshot? s) =>
        new(m.Id, m.Name, m.Uuid, a?.Source, a?.Observations ?? 0, a?.LastData,
            s?.Status, s?.Since is { } since ? new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc)) : null,
            s?.Program, s?.PartCount, s?.TotalParts, s?.LastCycle?.DurationSeconds);

    /// <summary>Ready: the outbox is open (we got here) and every source has connected at least once.</summary>
    public static bool IsReady(EdgeState state) => state.Sources.All(s => s.LastData is not null || s.State == "connected");
}

internal sealed record SourceReport(string Key, string Kind, string Address, string State, string? InstanceId, long NextSequence,
    long Observations, long Gaps, DateTimeOffset? LastData, string? LastError, long MalformedLines = 0);

/// <summary>
/// A machine, the source that last sent its observations, how many it sent since the edge started, and when; then what the
/// machine is doing as its analyzer saw it after the last stored batch: <see cref="Status"/> (one of <see cref="MachineStatus"/>)
/// since <see cref="StatusSince"/> (data time), the active <see cref="Program"/>, the control's part counter
/// <see cref="PartCount"/>, the <see cref="Parts"/> counted since the analysis began and the last cycle's duration.
/// All of those are null before the machine's analyzer ran.
/// </summary>
internal sealed record MachineReport(string Id, string? Name, string? Uuid, string? Source, long Observations, DateTimeOffset? LastData,
    string? Status = null, DateTimeOffset? StatusSince = null, string? Program = null, long? PartCount = null, long? Parts = null,
    double? LastCycleSeconds = null);

/// <summary>
/// The outbox: <see cref="UsedBytes"/> counts database pages in use, <see cref="FileBytes"/> the files on disk (database,
/// WAL and its index), which the quota <see cref="MaxBytes"/> bounds.
/// </summary>
internal sealed record OutboxReport(string StreamId, long Records, long UsedBytes, long FileBytes, long MaxBytes, long? OldestSeq, long LastSeq, double OldestAgeSeconds,
    long DroppedRecords, long QuotaDrops, long QuarantinedRecords, long QuarantinedBatches);

internal sealed record UplinkReport(string State, long Hwm, DateTimeOffset? LastSuccess, DateTimeOffset? FailingSince, string? LastError, double? LastLatencyMs,
    DateTimeOffset? NextAttempt, long BatchesSent, long BatchesRetried, long BatchesQuarantined, string? Setup);
