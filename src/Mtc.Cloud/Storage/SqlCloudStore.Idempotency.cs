namespace Mtc.Cloud.Storage;

internal abstract partial class SqlCloudStore
{
    public async Task<IdempotencyBegin> BeginIdempotentAsync(
        string tenant, string key, string fingerprint, DateTimeOffset now, DateTimeOffset expiredBefore, CancellationToken ct)
    {
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
                    ("@t", tenant), ("@k", key), ("@f", fingerprint), ("@now", Normalize(now))), ct).ConfigureAwait(false);
                IdempotencyBegin result;
                if (inserted == 1)
                {
                    result = new IdempotencyBegin(IdempotencyState.Started);
                }
                else
                {
                    var row = (await QueryAsync(Command(c, tx,
                        "SELECT fingerprint, status, body FROM idempotency WHERE tenant = @t AND key = @k", ("@t", tenant), ("@k", key)),
                        r => (Fingerprint: r.GetString(0), Status: Long(r, 1), Body: Str(r, 2)), ct).ConfigureAwait(false))[0];
                    result = !string.Equals(row.Fingerprint, fingerprint, StringComparison.Ordinal)
                        ? new IdempotencyBegin(IdempotencyState.Mismatch)
                        : row.Status is { } status
                            ? new IdempotencyBegin(IdempotencyState.Replay, (int)status, row.Body)
                            : new IdempotencyBegin(IdempotencyState.InFlight);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return result;
            }
        }
    }

    public async Task AddExternalEventAsync(
        string tenant, ExternalEvent ev, string idempotencyKey, int status, string responseBody, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var edgeId = await ScalarAsync<string>(Command(c, tx,
                    "SELECT edge_id FROM machines WHERE tenant = @t AND id = @m", ("@t", tenant), ("@m", ev.MachineId)), ct).ConfigureAwait(false);
                var cursor = await ReserveEventCursorsAsync(c, tx, tenant, 1, ct).ConfigureAwait(false);
                await InsertEventAsync(c, tx, tenant, cursor, ev.Id, "external", ev.Type, ev.MachineId, edgeId,
                    ev.Timestamp, null, ev.DataJson, ct).ConfigureAwait(false);
                await ExecuteAsync(Command(c, tx,
                    "UPDATE idempotency SET status = @s, body = @b WHERE tenant = @t AND key = @k",
                    ("@s", (long)status), ("@b", responseBody), ("@t", tenant), ("@k", idempotencyKey)), ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    public async Task ReleaseIdempotencyAsync(string tenant, string key, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(c, null,
                "DELETE FROM idempotency WHERE tenant = @t AND key = @k AND status IS NULL", ("@t", tenant), ("@k", key)), ct)
                .ConfigureAwait(false);
        }
    }
}
