namespace Mtc.Cloud.Storage;

internal abstract partial class SqlCloudStore
{
    // The idempotency row's created_at is the time of its latest claim: set on insert, moved on a lease take-over,
    // and compared again by the claim's owner before it writes (a fencing token), so an owner whose claim was
    // taken over can neither store its event nor release the new owner's claim.
    public async Task<IdempotencyBegin> BeginIdempotentAsync(
        string tenant, string key, string fingerprint, DateTimeOffset now, DateTimeOffset expiredBefore, DateTimeOffset leaseBefore,
        CancellationToken ct)
    {
        now = Normalize(now);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await ExecuteAsync(Command(c, tx,
                    "DELETE FROM idempotency WHERE tenant = @t AND key = @k AND created_at < @exp",
                    ("@t", tenant), ("@k", key), ("@exp", Normalize(expiredBefore))), ct).ConfigureAwait(false);
                // Insert first: the primary key decides who owns the key, never a prior read.
                var inserted = await ExecuteAsync(Command(c, tx,
                    "INSERT INTO idempotency (tenant, key, fingerprint, created_at) VALUES (@t, @k, @f, @now) " +
                    "ON CONFLICT (tenant, key) DO NOTHING",
                    ("@t", tenant), ("@k", key), ("@f", fingerprint), ("@now", now)), ct).ConfigureAwait(false);
                IdempotencyBegin result;
                if (inserted == 1)
                {
                    result = new IdempotencyBegin(IdempotencyState.Started, ClaimedAt: now);
                }
                else if (await ExecuteAsync(Command(c, tx,
                    // A claim that never got its response within the lease belongs to a request that died: exactly one
                    // retry takes it over, the one whose conditional update changes the row.
                    "UPDATE idempotency SET fingerprint = @f, created_at = @now " +
                    "WHERE tenant = @t AND key = @k AND status IS NULL AND created_at < @lease",
                    ("@f", fingerprint), ("@now", now), ("@t", tenant), ("@k", key), ("@lease", Normalize(leaseBefore))), ct)
                    .ConfigureAwait(false) == 1)
                {
                    result = new IdempotencyBegin(IdempotencyState.Started, ClaimedAt: now, TakenOver: true);
                }
                else
                {
                    var row = (await QueryAsync(Command(c, tx,
                        "SELECT fingerprint, status, body, created_at FROM idempotency WHERE tenant = @t AND key = @k",
                        ("@t", tenant), ("@k", key)),
                        r => (Fingerprint: r.GetString(0), Status: Long(r, 1), Body: Str(r, 2), ClaimedAt: ReadTime(r, 3)), ct)
                        .ConfigureAwait(false))[0];
                    result = !string.Equals(row.Fingerprint, fingerprint, StringComparison.Ordinal)
                        ? new IdempotencyBegin(IdempotencyState.Mismatch)
                        : row.Status is { } status
                            ? new IdempotencyBegin(IdempotencyState.Replay, (int)status, row.Body)
                            : new IdempotencyBegin(IdempotencyState.InFlight, ClaimedAt: row.ClaimedAt);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return result;
            }
        }
    }

    public async Task<bool> AddExternalEventAsync(
        string tenant, ExternalEvent ev, string idempotencyKey, DateTimeOffset claimedAt, int status, string responseBody, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                // The response is written first, under the claim: when another request has taken the key over, nothing is stored.
                var owned = await ExecuteAsync(Command(c, tx,
                    "UPDATE idempotency SET status = @s, body = @b WHERE tenant = @t AND key = @k AND status IS NULL AND created_at = @claim",
                    ("@s", (long)status), ("@b", responseBody), ("@t", tenant), ("@k", idempotencyKey), ("@claim", Normalize(claimedAt))), ct)
                    .ConfigureAwait(false);
                if (owned != 1)
                {
                    await tx.RollbackAsync(ct).ConfigureAwait(false);
                    return false;
                }
                var edgeId = await ScalarAsync<string>(Command(c, tx,
                    "SELECT edge_id FROM machines WHERE tenant = @t AND id = @m", ("@t", tenant), ("@m", ev.MachineId)), ct).ConfigureAwait(false);
                var cursor = await ReserveEventCursorsAsync(c, tx, tenant, 1, ct).ConfigureAwait(false);
                await InsertEventAsync(c, tx, tenant, cursor, ev.Id, "external", ev.Type, ev.MachineId, edgeId,
                    ev.Timestamp, null, ev.DataJson, ct).ConfigureAwait(false);
                await ExecuteBatchAsync(c, tx, Notifications.NotificationRows.Insert(tenant,
                    [Notifications.NotificationPayloads.External(edgeId, ev)], ev.Timestamp), ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                Signal.Notify();
                return true;
            }
        }
    }

    public async Task ReleaseIdempotencyAsync(string tenant, string key, DateTimeOffset claimedAt, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(c, null,
                "DELETE FROM idempotency WHERE tenant = @t AND key = @k AND status IS NULL AND created_at = @claim",
                ("@t", tenant), ("@k", key), ("@claim", Normalize(claimedAt))), ct)
                .ConfigureAwait(false);
        }
    }
}
