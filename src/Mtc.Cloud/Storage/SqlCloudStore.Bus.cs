using Mtc.Cloud.Bus;

namespace Mtc.Cloud.Storage;

/// <summary>
/// Broker sinks' side of the outbox: a pending row per (sink, notification) made at fan-out, leased in notification order by
/// the sink's worker, marked sent after the broker acknowledged it. A killed worker's leased rows come back when the lease ends.
/// </summary>
internal abstract partial class SqlCloudStore
{
    public async Task<IReadOnlyList<BusDelivery>> ClaimBusDeliveriesAsync(
        string sink, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        leaseUntil = Normalize(leaseUntil);
        // In notification order: a sink publishes the events of a machine in the order they were stored.
        return await LeaseDueAsync("bus_deliveries", "sink = @sink AND ", [("@sink", sink)], "notification_seq", limit, now, leaseUntil,
            list => "SELECT b.id, n.seq, n.tenant, n.id, n.type, n.machine_id, n.occurred, n.payload, b.attempts, n.created " +
                "FROM bus_deliveries b JOIN notifications n ON n.seq = b.notification_seq " +
                $"WHERE b.id IN ({list}) ORDER BY n.seq",
            r => new BusDelivery(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), Str(r, 5),
                ReadTime(r, 6), Str(r, 7), r.GetInt32(8), ReadTime(r, 9), leaseUntil), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<long>> RecordBusAttemptsAsync(IReadOnlyList<(BusDelivery Delivery, BusAttempt Attempt)> attempts, CancellationToken ct)
    {
        if (attempts.Count == 0)
        {
            return new HashSet<long>();
        }
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                // As for webhooks, the lease fences: a row another worker took after this one's lease ran out is not touched.
                var recorded = await QueryBatchAsync(c, tx, attempts.Select(a => new Statement(
                    "UPDATE bus_deliveries SET status = @s, attempts = attempts + 1, last_error = @err, next_attempt = @next, " +
                    "claimed_until = NULL, sent_at = @sent WHERE id = @id AND status = 'pending' AND claimed_until = @lease RETURNING id",
                    ("@s", a.Attempt.Sent ? DeliveryStatus.Sent : DeliveryStatus.Pending), ("@err", a.Attempt.Error),
                    ("@next", Normalize(a.Attempt.NextAttempt)), ("@sent", a.Attempt.Sent ? Normalize(a.Attempt.Now) : null),
                    ("@id", a.Delivery.Id), ("@lease", Normalize(a.Delivery.LeaseUntil)))).ToList(), r => r.GetInt64(0), ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return recorded.ToHashSet();
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, QueueStats>> GetBusQueueStatsAsync(CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            // The age is the notification's: how long since the event was committed, which is what a consumer waits.
            var rows = await QueryAsync(Command(c, null,
                "SELECT b.sink, count(*), min(n.created) FROM bus_deliveries b JOIN notifications n ON n.seq = b.notification_seq " +
                "WHERE b.status = 'pending' GROUP BY b.sink"),
                r => (Sink: r.GetString(0), Stats: new QueueStats(r.GetInt64(1), Time(r, 2))), ct).ConfigureAwait(false);
            return rows.ToDictionary(r => r.Sink, r => r.Stats, StringComparer.Ordinal);
        }
    }

    /// <summary>The bus rows of fanned-out notifications, one INSERT per sink, inside the fan-out's transaction.</summary>
    private async Task FanOutToBusAsync(
        System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, IReadOnlyList<string> sinks, List<long> taken,
        DateTimeOffset now, CancellationToken ct)
    {
        if (sinks.Count == 0 || taken.Count == 0)
        {
            return;
        }
        var (list, parameters) = InList("@s", taken);
        foreach (var sink in sinks)
        {
            await ExecuteAsync(Command(c, tx,
                "INSERT INTO bus_deliveries (sink, notification_seq, status, attempts, next_attempt, created) " +
                $"SELECT @sink, seq, 'pending', 0, @now, @now FROM notifications WHERE seq IN ({list}) ON CONFLICT DO NOTHING",
                [("@sink", sink), ("@now", now), .. parameters]), ct).ConfigureAwait(false);
        }
    }
}
