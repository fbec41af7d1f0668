using System.Data.Common;
using System.Globalization;
using Mtc.Cloud.Notifications;

namespace Mtc.Cloud.Storage;

/// <summary>
/// The worker's side of the outbox. Each step is one short transaction: take rows (skipping rows another worker has
/// locked, on PostgreSQL), mark them, commit; the HTTP work happens outside any transaction, under a lease.
/// </summary>
internal abstract partial class SqlCloudStore : INotificationStore
{
    public NotificationSignal Signal { get; } = new();

    /// <summary>Text appended to a sub-select that takes rows for one worker; other workers pass over them.</summary>
    protected virtual string SkipLocked => "";

    public async Task<int> FanOutAsync(int limit, DateTimeOffset now, IReadOnlyList<string> busSinks, CancellationToken ct)
    {
        now = Normalize(now);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var taken = await QueryAsync(Command(c, tx,
                    "UPDATE notifications SET fanned_at = @now WHERE seq IN (SELECT seq FROM notifications WHERE fanned_at IS NULL " +
                    "ORDER BY seq LIMIT @n" + SkipLocked + ") RETURNING seq",
                    ("@now", now), ("@n", (long)limit)), r => r.GetInt64(0), ct).ConfigureAwait(false);
                if (taken.Count > 0)
                {
                    var (list, parameters) = InList("@s", taken);
                    await ExecuteAsync(Command(c, tx,
                        "INSERT INTO webhook_deliveries (tenant, webhook_id, notification_seq, status, attempts, next_attempt, created) " +
                        "SELECT n.tenant, w.id, n.seq, 'pending', 0, @now, @now FROM notifications n JOIN webhooks w ON w.tenant = n.tenant " +
                        $"WHERE n.seq IN ({list}) AND EXISTS (SELECT 1 FROM webhook_event_types e WHERE e.webhook_id = w.id " +
                        "AND (e.type = '*' OR e.type = n.type)) ON CONFLICT DO NOTHING",
                        [("@now", now), .. parameters]), ct).ConfigureAwait(false);
                    await FanOutToBusAsync(c, tx, busSinks, taken, now, ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return taken.Count;
            }
        }
    }

    public async Task<IReadOnlyList<DueDelivery>> ClaimDeliveriesAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        leaseUntil = Normalize(leaseUntil);
        return await LeaseDueAsync("webhook_deliveries", "", [], "next_attempt, id", limit, now, leaseUntil,
            list => "SELECT d.id, d.tenant, w.url, w.secret, n.id, n.type, n.machine_id, n.occurred, n.payload, d.attempts, d.created " +
                "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN notifications n ON n.seq = d.notification_seq " +
                $"WHERE d.id IN ({list}) ORDER BY d.next_attempt, d.id",
            r => new DueDelivery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                Str(r, 6), ReadTime(r, 7), Str(r, 8), r.GetInt32(9), ReadTime(r, 10), leaseUntil), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Leases up to <paramref name="limit"/> due pending rows of a delivery table (<c>webhook_deliveries</c>,
    /// <c>bus_deliveries</c>) until <paramref name="leaseUntil"/>, skipping rows another worker holds (PostgreSQL: SKIP
    /// LOCKED), and reads them with <paramref name="select"/> (given the ids' parameter list) in the same transaction. The
    /// lease is the fence: an attempt is recorded only while the row's lease is still the one taken here, so a worker that
    /// lost its lease to another records nothing.
    /// </summary>
    private async Task<List<T>> LeaseDueAsync<T>(string table, string filter, (string Name, object? Value)[] filterArgs, string order, int limit,
        DateTimeOffset now, DateTimeOffset leaseUntil, Func<string, string> select, Func<DbDataReader, T> map, CancellationToken ct)
    {
        now = Normalize(now);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var ids = await QueryAsync(Command(c, tx,
                    $"UPDATE {table} SET claimed_until = @until WHERE id IN (SELECT id FROM {table} " +
                    $"WHERE {filter}status = 'pending' AND next_attempt <= @now AND (claimed_until IS NULL OR claimed_until < @now) " +
                    $"ORDER BY {order} LIMIT @n" + SkipLocked + ") RETURNING id",
                    [("@until", leaseUntil), ("@now", now), ("@n", (long)limit), .. filterArgs]), r => r.GetInt64(0), ct).ConfigureAwait(false);
                var due = new List<T>();
                if (ids.Count > 0)
                {
                    var (list, parameters) = InList("@d", ids);
                    due = await QueryAsync(Command(c, tx, select(list), parameters), map, ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return due;
            }
        }
    }

    public async Task<IReadOnlySet<long>> RecordAttemptsAsync(IReadOnlyList<(DueDelivery Delivery, AttemptResult Result)> attempts, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                // The lease is the fencing token: a worker whose lease ran out (and whose row another worker took) records nothing.
                // One statement per attempt, sent in one round trip where the backend batches.
                var recorded = await QueryBatchAsync(c, tx, attempts.Select(a => new Statement(
                    "UPDATE webhook_deliveries SET status = @s, attempts = attempts + 1, last_status = @code, last_error = @err, " +
                    "next_attempt = @next, claimed_until = NULL, sent_at = @sent " +
                    "WHERE id = @id AND status = 'pending' AND claimed_until = @lease RETURNING id",
                    ("@s", a.Result.Status), ("@code", a.Result.StatusCode is { } code ? (long)code : null), ("@err", a.Result.Error),
                    ("@next", a.Result.NextAttempt is { } next ? Normalize(next) : null),
                    ("@sent", a.Result.Status == DeliveryStatus.Sent ? Normalize(a.Result.Now) : null),
                    ("@id", a.Delivery.Id), ("@lease", Normalize(a.Delivery.LeaseUntil)))).ToList(), r => r.GetInt64(0), ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return recorded.ToHashSet();
            }
        }
    }

    public async Task<int> PurgeDeliveredAsync(DateTimeOffset before, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var removed = await ExecuteAsync(Command(c, tx,
                    "DELETE FROM webhook_deliveries WHERE status = 'sent' AND sent_at < @b", ("@b", Normalize(before))), ct).ConfigureAwait(false);
                removed += await ExecuteAsync(Command(c, tx,
                    "DELETE FROM bus_deliveries WHERE status = 'sent' AND sent_at < @b", ("@b", Normalize(before))), ct).ConfigureAwait(false);
                removed += await ExecuteAsync(Command(c, tx,
                    "DELETE FROM notifications WHERE fanned_at < @b AND NOT EXISTS " +
                    "(SELECT 1 FROM webhook_deliveries d WHERE d.notification_seq = notifications.seq) AND NOT EXISTS " +
                    "(SELECT 1 FROM bus_deliveries b WHERE b.notification_seq = notifications.seq)", ("@b", Normalize(before))), ct)
                    .ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return removed;
            }
        }
    }

    public async Task<QueueStats> GetQueueStatsAsync(CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                "SELECT count(*), min(created) FROM webhook_deliveries WHERE status = 'pending' " +
                "UNION ALL SELECT count(*), min(created) FROM notifications WHERE fanned_at IS NULL"),
                r => (Count: r.GetInt64(0), Oldest: Time(r, 1)), ct).ConfigureAwait(false);
            var oldest = rows.Where(r => r.Oldest is not null).Select(r => r.Oldest).Min();
            return new QueueStats(rows.Sum(r => r.Count), oldest);
        }
    }

    /// <summary>"@p0, @p1, ..." and its parameters, for a list of ids the same SQL takes on both backends.</summary>
    private static (string List, (string Name, object? Value)[] Parameters) InList<T>(string prefix, IReadOnlyList<T> ids)
    {
        var parameters = ids.Select((id, i) => (prefix + i.ToString(CultureInfo.InvariantCulture), (object?)id)).ToArray();
        return (string.Join(", ", parameters.Select(p => p.Item1)), parameters);
    }
}
