using System.Data.Common;

namespace Mtc.Cloud.Storage;

/// <summary>Webhook subscriptions and the list of their deliveries, always within one tenant.</summary>
internal abstract partial class SqlCloudStore
{
    public async Task CreateWebhookAsync(WebhookRow webhook, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var statements = new List<Statement>
                {
                    new("INSERT INTO webhooks (id, tenant, url, description, secret, created) VALUES (@id, @t, @u, @d, @s, @c)",
                        ("@id", webhook.Id), ("@t", webhook.Tenant), ("@u", webhook.Url), ("@d", webhook.Description),
                        ("@s", webhook.Secret), ("@c", Normalize(webhook.Created))),
                };
                statements.AddRange(webhook.EventTypes.Select(type => new Statement(
                    "INSERT INTO webhook_event_types (webhook_id, type) VALUES (@id, @y)", ("@id", webhook.Id), ("@y", type))));
                await ExecuteBatchAsync(c, tx, statements, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<WebhookRow>> ListWebhooksAsync(string tenant, string? afterId, int limit, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                "SELECT id, tenant, url, description, secret, created FROM webhooks WHERE tenant = @t AND id > @after ORDER BY id LIMIT @n",
                ("@t", tenant), ("@after", afterId ?? ""), ("@n", (long)limit)), ReadWebhook, ct).ConfigureAwait(false);
            return await WithTypesAsync(c, rows, ct).ConfigureAwait(false);
        }
    }

    public async Task<WebhookRow?> GetWebhookAsync(string tenant, string id, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                "SELECT id, tenant, url, description, secret, created FROM webhooks WHERE tenant = @t AND id = @id",
                ("@t", tenant), ("@id", id)), ReadWebhook, ct).ConfigureAwait(false);
            return (await WithTypesAsync(c, rows, ct).ConfigureAwait(false)).SingleOrDefault();
        }
    }

    public async Task<bool> DeleteWebhookAsync(string tenant, string id, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var removed = await ExecuteAsync(Command(c, tx, "DELETE FROM webhooks WHERE tenant = @t AND id = @id", ("@t", tenant), ("@id", id)), ct)
                    .ConfigureAwait(false);
                if (removed == 1)
                {
                    await ExecuteBatchAsync(c, tx,
                    [
                        new("DELETE FROM webhook_event_types WHERE webhook_id = @id", ("@id", id)),
                        new("DELETE FROM webhook_deliveries WHERE webhook_id = @id", ("@id", id)),
                    ], ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return removed == 1;
            }
        }
    }

    private const string DeliveryColumns =
        "SELECT d.id, d.webhook_id, n.id, n.type, d.status, d.attempts, d.last_error, d.last_status, d.next_attempt, d.created, d.sent_at " +
        "FROM webhook_deliveries d JOIN notifications n ON n.seq = d.notification_seq ";

    public async Task<IReadOnlyList<DeliveryRow>> ListDeliveriesAsync(string tenant, string webhookId, long afterId, int limit, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                DeliveryColumns + "WHERE d.tenant = @t AND d.webhook_id = @w AND d.id > @after ORDER BY d.id LIMIT @n",
                ("@t", tenant), ("@w", webhookId), ("@after", afterId), ("@n", (long)limit)), ReadDelivery, ct).ConfigureAwait(false);
        }
    }

    public async Task<DeliveryRow?> RedeliverAsync(string tenant, string webhookId, long deliveryId, DateTimeOffset now, CancellationToken ct)
    {
        now = Normalize(now);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var changed = await ExecuteAsync(Command(c, tx,
                    "UPDATE webhook_deliveries SET status = 'pending', next_attempt = @now, created = @now, claimed_until = NULL " +
                    "WHERE tenant = @t AND webhook_id = @w AND id = @id",
                    ("@now", now), ("@t", tenant), ("@w", webhookId), ("@id", deliveryId)), ct).ConfigureAwait(false);
                var row = changed == 0 ? null : (await QueryAsync(Command(c, tx, DeliveryColumns + "WHERE d.id = @id", ("@id", deliveryId)),
                    ReadDelivery, ct).ConfigureAwait(false)).Single();
                await tx.CommitAsync(ct).ConfigureAwait(false);
                if (row is not null)
                {
                    Signal.Notify();
                }
                return row;
            }
        }
    }

    private WebhookRow ReadWebhook(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), [], Str(r, 3), r.GetString(4), ReadTime(r, 5));

    private DeliveryRow ReadDelivery(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), Str(r, 6),
        r.IsDBNull(7) ? null : r.GetInt32(7), Time(r, 8), ReadTime(r, 9), Time(r, 10));

    private async Task<IReadOnlyList<WebhookRow>> WithTypesAsync(DbConnection c, List<WebhookRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return rows;
        }
        var parameters = rows.Select((w, i) => ("@w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (object?)w.Id)).ToArray();
        var types = await QueryAsync(Command(c, null,
            $"SELECT webhook_id, type FROM webhook_event_types WHERE webhook_id IN ({string.Join(", ", parameters.Select(p => p.Item1))}) ORDER BY type",
            parameters), r => (Id: r.GetString(0), Type: r.GetString(1)), ct).ConfigureAwait(false);
        var byId = types.ToLookup(t => t.Id, t => t.Type, StringComparer.Ordinal);
        return rows.Select(w => w with { EventTypes = byId[w.Id].ToList() }).ToList();
    }
}
