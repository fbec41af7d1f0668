using System.Data.Common;
using System.Text;

namespace Mtc.Cloud.Storage;

/// <summary>
/// Alerts open and resolve in one transaction each, guarded by the unique index on open alerts (migration 6): when two
/// cloud instances evaluate at once, the second insert does nothing and the second resolve changes no row, so each change
/// happens, and writes its notification, exactly once.
/// </summary>
internal abstract partial class SqlCloudStore
{
    private const string AlertColumns = "id, rule, subject, machine_id, edge_id, opened_at, resolved_at, resolution, evidence";

    public async Task<IReadOnlyList<string>> ListAlertTenantsAsync(CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                "SELECT tenant FROM edges UNION SELECT tenant FROM machines UNION SELECT tenant FROM alerts WHERE resolved_at IS NULL ORDER BY 1"),
                r => r.GetString(0), ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<AlertSettingRow>> GetAlertSettingsAsync(string tenant, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                "SELECT rule, enabled, threshold, updated_at FROM alert_settings WHERE tenant = @t ORDER BY rule", ("@t", tenant)),
                r => new AlertSettingRow(r.GetString(0), Convert.ToBoolean(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                    r.GetDouble(2), ReadTime(r, 3)), ct).ConfigureAwait(false);
        }
    }

    public async Task SaveAlertSettingsAsync(string tenant, IReadOnlyList<AlertSettingRow> settings, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await ExecuteBatchAsync(c, tx, settings.Select(s => new Statement(
                    "INSERT INTO alert_settings (tenant, rule, enabled, threshold, updated_at) VALUES (@t, @r, @en, @th, @at) " +
                    "ON CONFLICT (tenant, rule) DO UPDATE SET enabled = excluded.enabled, threshold = excluded.threshold, updated_at = excluded.updated_at",
                    ("@t", tenant), ("@r", s.Rule), ("@en", s.Enabled), ("@th", s.Threshold), ("@at", Normalize(s.UpdatedAt)))).ToList(), ct)
                    .ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<AlertRow>> ListOpenAlertsAsync(string tenant, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                $"SELECT {AlertColumns} FROM alerts WHERE tenant = @t AND resolved_at IS NULL ORDER BY id", ("@t", tenant)),
                ReadAlert, ct).ConfigureAwait(false);
        }
    }

    public async Task<AlertRow?> OpenAlertAsync(string tenant, string rule, AlertCondition condition, DateTimeOffset now, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var rows = await QueryAsync(Command(c, tx,
                    "INSERT INTO alerts (tenant, rule, subject, machine_id, edge_id, opened_at, evidence) VALUES (@t, @r, @s, @m, @e, @now, @ev) " +
                    "ON CONFLICT (tenant, rule, subject) WHERE resolved_at IS NULL DO NOTHING RETURNING " + AlertColumns,
                    ("@t", tenant), ("@r", rule), ("@s", condition.Subject), ("@m", condition.MachineId), ("@e", condition.EdgeId),
                    ("@now", Normalize(now)), ("@ev", StoredText.CleanJson(condition.EvidenceJson))), ReadAlert, ct).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    await tx.RollbackAsync(ct).ConfigureAwait(false);
                    return null;
                }
                await ExecuteBatchAsync(c, tx, Notifications.NotificationRows.Insert(tenant, [AlertNotification(rows[0])], now), ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                Signal.Notify();
                return rows[0];
            }
        }
    }

    public async Task<AlertRow?> ResolveAlertAsync(string tenant, long id, string resolution, DateTimeOffset now, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var rows = await QueryAsync(Command(c, tx,
                    "UPDATE alerts SET resolved_at = @now, resolution = @why WHERE tenant = @t AND id = @id AND resolved_at IS NULL RETURNING " + AlertColumns,
                    ("@now", Normalize(now)), ("@why", resolution), ("@t", tenant), ("@id", id)), ReadAlert, ct).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    await tx.RollbackAsync(ct).ConfigureAwait(false);
                    return null;
                }
                await ExecuteBatchAsync(c, tx, Notifications.NotificationRows.Insert(tenant, [AlertNotification(rows[0])], now), ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                Signal.Notify();
                return rows[0];
            }
        }
    }

    /// <summary>
    /// The notification of an alert's change, written in the transaction that made it, so an alert change and its
    /// notification are stored together or not at all: type <c>alert.opened</c> or <c>alert.resolved</c>, id
    /// <c>alert-{id}:opened</c> or <c>:resolved</c> (what receivers deduplicate by), the alert with its evidence as data.
    /// </summary>
    private static Notifications.NotificationRow AlertNotification(AlertRow alert)
    {
        var resolved = alert.ResolvedAt is not null;
        var data = new System.Text.Json.Nodes.JsonObject
        {
            ["alertId"] = alert.Id,
            ["rule"] = alert.Rule,
            ["subject"] = alert.Subject,
            ["machineId"] = alert.MachineId,
            ["edgeId"] = alert.EdgeId,
            ["openedAt"] = alert.OpenedAt,
            ["resolvedAt"] = alert.ResolvedAt,
            ["resolution"] = alert.Resolution,
            ["evidence"] = System.Text.Json.Nodes.JsonNode.Parse(alert.EvidenceJson),
        };
        var id = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"alert-{alert.Id}:{(resolved ? "resolved" : "opened")}");
        return new Notifications.NotificationRow(id, resolved ? "alert.resolved" : "alert.opened", alert.MachineId,
            alert.ResolvedAt ?? alert.OpenedAt, data.ToJsonString());
    }

    public async Task<IReadOnlyList<AlertRow>> GetAlertsAsync(string tenant, AlertQuery query, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var sql = new StringBuilder($"SELECT {AlertColumns} FROM alerts WHERE tenant = @t");
            var ps = new List<(string, object?)> { ("@t", tenant), ("@limit", (long)query.Limit) };
            sql.Append(query.State switch
            {
                AlertState.Open => " AND resolved_at IS NULL",
                AlertState.Resolved => " AND resolved_at IS NOT NULL",
                _ => "",
            });
            if (query.MachineId is { } m)
            {
                sql.Append(" AND machine_id = @m");
                ps.Add(("@m", m));
            }
            if (query.Rule is { } rule)
            {
                sql.Append(" AND rule = @r");
                ps.Add(("@r", rule));
            }
            if (query.Before is { } b)
            {
                sql.Append(" AND (opened_at < @bt OR (opened_at = @bt AND id < @bid))");
                ps.Add(("@bt", b.Time));
                ps.Add(("@bid", b.Id));
            }
            sql.Append(" ORDER BY opened_at DESC, id DESC LIMIT @limit");
            return await QueryAsync(Command(c, null, sql.ToString(), [.. ps]), ReadAlert, ct).ConfigureAwait(false);
        }
    }

    public async Task<AlertRow?> GetAlertAsync(string tenant, long id, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null, $"SELECT {AlertColumns} FROM alerts WHERE tenant = @t AND id = @id",
                ("@t", tenant), ("@id", id)), ReadAlert, ct).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    private AlertRow ReadAlert(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), Str(r, 3), Str(r, 4), ReadTime(r, 5), Time(r, 6), Str(r, 7), r.GetString(8));
}
