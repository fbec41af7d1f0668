namespace Mtc.Cloud.Storage.Sqlite;

/// <summary>The SQLite schema, one version at a time. Times are microseconds since the Unix epoch (INTEGER).</summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "initial", """
            CREATE TABLE api_keys (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, scopes TEXT NOT NULL,
                secret_hash BLOB NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER);
            CREATE TABLE edges (tenant TEXT NOT NULL, id TEXT NOT NULL, name TEXT, registered_at INTEGER, last_seen INTEGER,
                status_json TEXT, status_at INTEGER, PRIMARY KEY (tenant, id));
            CREATE TABLE streams (tenant TEXT NOT NULL, edge_id TEXT NOT NULL, stream_id TEXT NOT NULL, hwm INTEGER NOT NULL,
                records_received INTEGER NOT NULL, gaps INTEGER NOT NULL, missed_known INTEGER NOT NULL, last_seen INTEGER NOT NULL,
                PRIMARY KEY (tenant, edge_id, stream_id));
            CREATE TABLE machines (tenant TEXT NOT NULL, id TEXT NOT NULL, edge_id TEXT, name TEXT, uuid TEXT, device_model TEXT,
                registered INTEGER NOT NULL DEFAULT 0, last_seen INTEGER, PRIMARY KEY (tenant, id));
            CREATE TABLE current_values (tenant TEXT NOT NULL, machine_id TEXT NOT NULL, data_item_id TEXT NOT NULL, name TEXT,
                category TEXT, type TEXT, value TEXT, level TEXT, ts INTEGER NOT NULL, seq INTEGER NOT NULL,
                PRIMARY KEY (tenant, machine_id, data_item_id));
            CREATE TABLE observations (id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, machine_id TEXT NOT NULL,
                ts INTEGER NOT NULL, data_item_id TEXT NOT NULL, seq INTEGER NOT NULL, instance_id TEXT, name TEXT, category TEXT,
                type TEXT, sub_type TEXT, value TEXT, level TEXT, native_code TEXT, native_severity TEXT, qualifier TEXT,
                condition_id TEXT, edge_id TEXT NOT NULL, stream_id TEXT NOT NULL, record_seq INTEGER NOT NULL);
            CREATE INDEX observations_machine_ts ON observations (tenant, machine_id, ts, id);
            CREATE TABLE cycles (id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, machine_id TEXT NOT NULL,
                event_id TEXT NOT NULL, start_ts INTEGER NOT NULL, end_ts INTEGER NOT NULL, duration_s REAL NOT NULL, active_s REAL,
                interrupted_s REAL, program TEXT, parts INTEGER, completion TEXT);
            CREATE INDEX cycles_machine_start ON cycles (tenant, machine_id, start_ts, id);
            CREATE TABLE events (tenant TEXT NOT NULL, cursor INTEGER NOT NULL, id TEXT NOT NULL, source TEXT NOT NULL,
                type TEXT NOT NULL, machine_id TEXT, edge_id TEXT, start_ts INTEGER NOT NULL, end_ts INTEGER, data TEXT,
                PRIMARY KEY (tenant, cursor));
            CREATE TABLE tenant_counters (tenant TEXT PRIMARY KEY, event_seq INTEGER NOT NULL);
            CREATE TABLE idempotency (tenant TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, created_at INTEGER NOT NULL,
                status INTEGER, body TEXT, PRIMARY KEY (tenant, key));
            """),
        new(2, "events by machine", """
            CREATE INDEX events_machine_type_start ON events (tenant, machine_id, type, start_ts);
            """),
        new(3, "derived event identity", PortableMigrations.DerivedEventIdentity),
        new(4, "observation identity", PortableMigrations.ObservationIdentity),
        new(5, "notifications and webhooks", """
            CREATE TABLE notifications (seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,
                machine_id TEXT, occurred INTEGER NOT NULL, payload TEXT, created INTEGER NOT NULL, fanned_at INTEGER);
            """ + PortableMigrations.NotificationsAndWebhooks.Replace("{id}", "INTEGER", StringComparison.Ordinal)
                .Replace("{time}", "INTEGER", StringComparison.Ordinal)),
        new(6, "alerts", """
            CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, rule TEXT NOT NULL, subject TEXT NOT NULL,
                machine_id TEXT, edge_id TEXT, opened_at INTEGER NOT NULL, resolved_at INTEGER, resolution TEXT, evidence TEXT NOT NULL);
            CREATE TABLE alert_settings (tenant TEXT NOT NULL, rule TEXT NOT NULL, enabled INTEGER NOT NULL, threshold REAL NOT NULL,
                updated_at INTEGER NOT NULL, PRIMARY KEY (tenant, rule));
            """ + PortableMigrations.AlertIndexes),
        new(7, "broker sink deliveries", PortableMigrations.BusDeliveries.Replace("{id}", "INTEGER", StringComparison.Ordinal)
            .Replace("{time}", "INTEGER", StringComparison.Ordinal)),
        new(8, "sign-in links", PortableMigrations.SignInLinks.Replace("{hash}", "BLOB", StringComparison.Ordinal)
            .Replace("{time}", "INTEGER", StringComparison.Ordinal)),
        new(9, "plant settings", PortableMigrations.PlantSettings.Replace("{time}", "INTEGER", StringComparison.Ordinal)),
        new(10, "events by end", PortableMigrations.EventsByEnd),
        new(11, "data-protection keys", PortableMigrations.DataProtectionKeys.Replace("{time}", "INTEGER", StringComparison.Ordinal)),
        new(12, "summary quarters", PortableMigrations.SummaryQuarters.Replace("{time}", "INTEGER", StringComparison.Ordinal)
            + SqliteInvalidation("events") + SqliteInvalidation("cycles")),
        new(13, "machines confirmed by their edge", PortableMigrations.MachinesConfirmed.Replace("{time}", "INTEGER", StringComparison.Ordinal)),
    ];

    /// <summary>
    /// What a change to a machine's row does to its stored summary quarters and hours: those starting after an hour (3,600,000,000
    /// µs) before the row's start go, and the machine's generation steps so that one computed before cannot be stored after.
    /// </summary>
    private static string SqliteInvalidation(string table)
    {
        string Trigger(string op, string row, string since) => $"""
            CREATE TRIGGER {table}_summary_quarters_{op.ToLowerInvariant()} AFTER {op} ON {table} WHEN {row}.machine_id IS NOT NULL BEGIN
                INSERT INTO summary_generations (tenant, machine_id, gen) VALUES ({row}.tenant, {row}.machine_id, 1)
                    ON CONFLICT (tenant, machine_id) DO UPDATE SET gen = gen + 1;
                DELETE FROM summary_quarters WHERE tenant = {row}.tenant AND machine_id = {row}.machine_id
                    AND start_ts > {since} - 3600000000;
            END;

            """;
        return Trigger("INSERT", "NEW", "NEW.start_ts") + Trigger("UPDATE", "NEW", "min(OLD.start_ts, NEW.start_ts)")
            + Trigger("DELETE", "OLD", "OLD.start_ts");
    }
}
