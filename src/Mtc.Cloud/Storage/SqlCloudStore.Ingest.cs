using System.Data.Common;
using System.Text.Json;
using Mtc.Cloud.Ingest;
using Mtc.Cloud.Notifications;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Storage;

internal abstract partial class SqlCloudStore
{
    public async Task<IngestResult> IngestAsync(string tenant, IngestBatch batch, DateTimeOffset now, CancellationToken ct)
    {
        using var payload = IngestPayload.From(batch);
        return await IngestAsync(tenant, payload, now, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The exactly-once step: lock the stream's hwm row, skip records at or below it, store the rest and move
    /// the hwm, all in one transaction. A concurrent copy of the batch waits on the lock and then skips. A batch whose
    /// <c>afterSeq</c> the hwm has not reached is not applied: the answer's hwm is then below its afterSeq.
    /// Statements go in as few round trips as the backend allows: the stream lock, then the stream, machine and
    /// current-value rows together, then the observations, then records of the other kinds.
    /// </summary>
    public virtual async Task<IngestResult> IngestAsync(string tenant, IngestPayload batch, DateTimeOffset now, CancellationToken ct)
    {
        now = Normalize(now);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await PrepareIngestAsync(c, batch, ct).ConfigureAwait(false);
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var hwm = await LockStreamAsync(c, tx, tenant, batch.EdgeId, batch.StreamId, now, ct).ConfigureAwait(false);
                if (batch.AfterSeq is { } after && hwm < after)
                {
                    // The batch this one follows is not stored yet: nothing is applied, and the mark is answered as it is
                    // (below afterSeq, which is how the caller tells this answer from an applied batch's).
                    await tx.RollbackAsync(ct).ConfigureAwait(false);
                    return new IngestResult(hwm, 0, 0, hwm, after);
                }
                var fresh = 0;
                foreach (var entry in batch.Entries)
                {
                    fresh += entry.Seq > hwm ? 1 : 0;
                }
                var freshOthers = batch.Others.Where(r => r.Seq > hwm).ToList();
                var gaps = freshOthers.OfType<GapRecord>().ToList();
                var newHwm = Math.Max(hwm, batch.ToSeq);
                var statements = new List<Statement>
                {
                    new("UPDATE streams SET hwm = @h, records_received = records_received + @n, gaps = gaps + @g, " +
                        "missed_known = CASE WHEN missed_known > @max - @m THEN @max ELSE missed_known + @m END, last_seen = @now WHERE tenant = @t AND edge_id = @e AND stream_id = @s",
                        ("@h", newHwm), ("@n", (long)fresh), ("@g", (long)gaps.Count), ("@m", MissedOf(gaps)), ("@max", long.MaxValue),
                        ("@now", now), ("@t", tenant), ("@e", batch.EdgeId), ("@s", batch.StreamId)),
                };
                var observations = batch.Observations;
                var freshObservations = false;
                for (var i = observations.Count - 1; i >= 0 && !freshObservations; i--)
                {
                    freshObservations = observations[i].Seq > hwm;
                }
                // Rows are locked in one order (the stream, machines by id, then current values by machine and
                // data item id) so that concurrent batches cannot deadlock.
                var machineIds = freshOthers.Select(MachineOf).OfType<string>().Concat(observations.MachinesAfter(hwm))
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
                statements.AddRange(machineIds.Select(m => new Statement(
                    "INSERT INTO machines (tenant, id, edge_id, last_seen) VALUES (@t, @m, @e, @now) " +
                    "ON CONFLICT (tenant, id) DO UPDATE SET last_seen = @now",
                    ("@t", tenant), ("@m", m), ("@e", batch.EdgeId), ("@now", now))));
                if (freshObservations)
                {
                    statements.AddRange(CurrentValueStatements(tenant, observations.LatestAfter(hwm)));
                }
                await ExecuteBatchAsync(c, tx, statements, ct).ConfigureAwait(false);
                var repeated = 0;
                if (freshObservations)
                {
                    var offered = 0;
                    for (var i = 0; i < observations.Count; i++)
                    {
                        offered += observations[i].Seq > hwm ? 1 : 0;
                    }
                    repeated = offered - await InsertObservationsAsync(c, tx, tenant, batch, hwm, ct).ConfigureAwait(false);
                }
                var notified = 0;
                if (freshOthers.Count > 0)
                {
                    notified = await StoreOtherRecordsAsync(c, tx, tenant, batch, freshOthers, now, ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                if (notified > 0)
                {
                    Signal.Notify();
                }
                // Accepted: records stored now. Skipped: records at or below the hwm, and observations already stored.
                return new IngestResult(newHwm, fresh - repeated, batch.Entries.Count - fresh + repeated, hwm, batch.AfterSeq);
            }
        }
    }

    /// <summary>
    /// Makes the edge and stream rows when new, locks the stream's row until commit and returns its hwm, in one
    /// round trip. The edge's own row is not written after that: its last-seen time is read from its streams'.
    /// </summary>
    private async Task<long> LockStreamAsync(
        DbConnection c, DbTransaction tx, string tenant, string edgeId, string streamId, DateTimeOffset now, CancellationToken ct)
    {
        // DO NOTHING takes no lock on an existing edge row: the streams of one edge do not wait for each other.
        var hwm = await QueryBatchAsync(c, tx,
        [
            new("INSERT INTO edges (tenant, id, last_seen) VALUES (@t, @e, @now) ON CONFLICT (tenant, id) DO NOTHING",
                ("@t", tenant), ("@e", edgeId), ("@now", now)),
            new("INSERT INTO streams (tenant, edge_id, stream_id, hwm, records_received, gaps, missed_known, last_seen) " +
                "VALUES (@t, @e, @s, 0, 0, 0, 0, @now) ON CONFLICT (tenant, edge_id, stream_id) DO NOTHING",
                ("@t", tenant), ("@e", edgeId), ("@s", streamId), ("@now", now)),
            new("SELECT hwm FROM streams WHERE tenant = @t AND edge_id = @e AND stream_id = @s" + ForUpdate,
                ("@t", tenant), ("@e", edgeId), ("@s", streamId)),
        ], r => r.GetInt64(0), ct).ConfigureAwait(false);
        return hwm.Single();
    }

    /// <summary>Work a backend does before the ingest transaction (e.g. create the time partitions it needs).</summary>
    protected virtual Task PrepareIngestAsync(DbConnection connection, IngestPayload batch, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Bulk-inserts the observation rows after <paramref name="hwm"/> (an insert per row in SQLite; COPY in PostgreSQL),
    /// leaving out those already stored (the observation identity of migration 4); returns how many it stored.
    /// </summary>
    protected abstract Task<int> InsertObservationsAsync(
        DbConnection c, DbTransaction tx, string tenant, IngestPayload batch, long hwm, CancellationToken ct);

    /// <summary>
    /// Device models, derived events, gaps and edge status, in record order; the events' notifications after them in one
    /// statement. Returns how many notifications it offered.
    /// </summary>
    private async Task<int> StoreOtherRecordsAsync(
        DbConnection c, DbTransaction tx, string tenant, IngestPayload batch, List<WireRecord> fresh, DateTimeOffset now, CancellationToken ct)
    {
        var events = fresh.Where(r => r is DerivedEventRecord or GapRecord).ToList();
        var cursor = events.Count == 0 ? 0 : await ReserveEventCursorsAsync(c, tx, tenant, events.Count, ct).ConfigureAwait(false);
        var notifications = new List<NotificationRow>(events.Count);
        foreach (var record in fresh)
        {
            switch (record)
            {
                case DeviceModelRecord model:
                    await ExecuteAsync(Command(c, tx,
                        "UPDATE machines SET device_model = @d, uuid = COALESCE(@u, uuid), name = COALESCE(name, @n) WHERE tenant = @t AND id = @m",
                        ("@d", model.Document), ("@u", model.Uuid), ("@n", model.Name), ("@t", tenant), ("@m", model.MachineId)), ct)
                        .ConfigureAwait(false);
                    break;
                case DerivedEventRecord derived:
                    await UpsertDerivedEventAsync(c, tx, tenant, cursor++, batch.EdgeId, derived, ct).ConfigureAwait(false);
                    notifications.Add(NotificationPayloads.Derived(batch.EdgeId, derived));
                    break;
                case GapRecord gap:
                    var gapData = StoredText.CleanJson(JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["source"] = gap.Source, ["instanceId"] = gap.InstanceId, ["machines"] = gap.Machines, ["missed"] = gap.Missed, ["fromSequence"] = gap.FromSequence,
                        ["toSequence"] = gap.ToSequence, ["reason"] = gap.Reason, ["streamId"] = batch.StreamId, ["seq"] = gap.Seq,
                    }, Hosting.CloudJson.Options))!;
                    await InsertEventAsync(c, tx, tenant, cursor++, $"{batch.StreamId}:{gap.Seq}", "edge", "gap", gap.MachineId,
                        batch.EdgeId, now, null, gapData, ct).ConfigureAwait(false);
                    notifications.Add(new NotificationRow($"{batch.StreamId}:{gap.Seq}", "gap", gap.MachineId, now, gapData));
                    break;
                case EdgeStatusRecord status:
                    await ExecuteAsync(Command(c, tx,
                        "UPDATE edges SET status_json = @d, status_at = @at WHERE tenant = @t AND id = @e",
                        ("@d", StoredText.CleanJson(status.Data?.GetRawText())), ("@at", Normalize(status.Timestamp)), ("@t", tenant), ("@e", batch.EdgeId)), ct)
                        .ConfigureAwait(false);
                    break;
            }
        }
        if (notifications.Count > 0)
        {
            await ExecuteBatchAsync(c, tx, NotificationRows.Insert(tenant, notifications, now), ct).ConfigureAwait(false);
        }
        return notifications.Count;
    }

    /// <summary>The gaps' missed counts added up, saturating at <see cref="long.MaxValue"/> (as the stream's total does).</summary>
    private static long MissedOf(List<GapRecord> gaps)
    {
        var sum = 0L;
        foreach (var g in gaps)
        {
            var m = Math.Max(0, g.Missed ?? 0);
            sum = sum > long.MaxValue - m ? long.MaxValue : sum + m;
        }
        return sum;
    }

    private static string? MachineOf(WireRecord r) => r switch
    {
        ObservationRecord o => o.MachineId,
        DeviceModelRecord d => d.MachineId,
        DerivedEventRecord e => e.MachineId,
        GapRecord g => g.MachineId,
        _ => null,
    };

    /// <summary>
    /// Event cursors come from a per-tenant counter row that stays locked until commit, so cursors become
    /// visible in increasing order and a reader following them never skips a late commit.
    /// </summary>
    protected async Task<long> ReserveEventCursorsAsync(DbConnection c, DbTransaction tx, string tenant, int count, CancellationToken ct)
    {
        var last = await ScalarAsync<long>(Command(c, tx,
            "INSERT INTO tenant_counters (tenant, event_seq) VALUES (@t, @n) " +
            "ON CONFLICT (tenant) DO UPDATE SET event_seq = tenant_counters.event_seq + @n RETURNING event_seq",
            ("@t", tenant), ("@n", (long)count)), ct).ConfigureAwait(false);
        return last - count + 1;
    }

    protected Task<int> InsertEventAsync(DbConnection c, DbTransaction tx, string tenant, long cursor, string id, string source,
        string type, string? machineId, string? edgeId, DateTimeOffset start, DateTimeOffset? end, string? data, CancellationToken ct) =>
        ExecuteAsync(Command(c, tx,
            "INSERT INTO events (tenant, cursor, id, source, type, machine_id, edge_id, start_ts, end_ts, data) " +
            "VALUES (@t, @c, @id, @src, @type, @m, @e, @s, @end, @d)",
            ("@t", tenant), ("@c", cursor), ("@id", id), ("@src", source), ("@type", type), ("@m", machineId), ("@e", edgeId),
            ("@s", Normalize(start)), ("@end", end is { } x ? Normalize(x) : null), ("@d", data)), ct);

    private async Task InsertCycleAsync(DbConnection c, DbTransaction tx, string tenant, DerivedEventRecord derived, CancellationToken ct)
    {
        var e = derived.Event;
        var data = e.Data is { ValueKind: JsonValueKind.Object } d ? d.Deserialize(WireJsonContext.Default.CycleData) : null;
        var end = e.End ?? e.Start;
        var duration = data?.DurationSeconds ?? (end - e.Start).TotalSeconds;
        await ExecuteAsync(Command(c, tx,
            "INSERT INTO cycles (tenant, machine_id, event_id, start_ts, end_ts, duration_s, active_s, interrupted_s, program, parts, completion) " +
            "VALUES (@t, @m, @id, @s, @e, @d, @a, @i, @p, @parts, @comp) ON CONFLICT (tenant, machine_id, event_id) DO NOTHING",
            ("@t", tenant), ("@m", derived.MachineId), ("@id", e.Id), ("@s", Normalize(e.Start)), ("@e", Normalize(end)),
            ("@d", duration), ("@a", data?.ActiveSeconds), ("@i", data?.InterruptedSeconds), ("@p", data?.Program),
            ("@parts", data?.Parts), ("@comp", data?.Completion)), ct).ConfigureAwait(false);
    }

    /// <summary>Keeps the latest value per data item (by timestamp, then sequence) for the machine-state read.</summary>
    protected virtual IEnumerable<Statement> CurrentValueStatements(string tenant, IReadOnlyList<LatestValue> latest) =>
        latest.Select(o => new Statement(
            "INSERT INTO current_values (tenant, machine_id, data_item_id, name, category, type, value, level, ts, seq) " +
            "VALUES (@t, @m, @d, @n, @c, @ty, @v, @l, @ts, @seq) " + CurrentValueConflict,
            ("@t", tenant), ("@m", o.MachineId), ("@d", o.DataItemId), ("@n", o.Name), ("@c", o.Category), ("@ty", o.Type),
            ("@v", o.Value), ("@l", o.Level), ("@ts", o.Timestamp), ("@seq", o.Sequence)));

    protected const string CurrentValueConflict =
        "ON CONFLICT (tenant, machine_id, data_item_id) DO UPDATE SET name = excluded.name, category = excluded.category, " +
        "type = excluded.type, value = excluded.value, level = excluded.level, ts = excluded.ts, seq = excluded.seq " +
        "WHERE excluded.ts >= current_values.ts";
}
