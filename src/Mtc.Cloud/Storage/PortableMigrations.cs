namespace Mtc.Cloud.Storage;

/// <summary>Schema steps whose SQL both stores run as written (a migration's text never changes once released).</summary>
internal static class PortableMigrations
{
    /// <summary>
    /// Migration 3: a derived event is one row per (tenant, machine, id) — repeated copies of an older database keep their
    /// first — and a cycle one row per event; events by machine and type in cursor order for the latest status and parts.
    /// </summary>
    public const string DerivedEventIdentity = """
        DELETE FROM events WHERE source = 'edge' AND type <> 'gap' AND EXISTS (SELECT 1 FROM events o WHERE o.tenant = events.tenant
            AND o.machine_id = events.machine_id AND o.id = events.id AND o.source = 'edge' AND o.type <> 'gap' AND o.cursor < events.cursor);
        CREATE UNIQUE INDEX events_derived_identity ON events (tenant, machine_id, id) WHERE source = 'edge' AND type <> 'gap';
        DELETE FROM cycles WHERE EXISTS (SELECT 1 FROM cycles o WHERE o.tenant = cycles.tenant AND o.machine_id = cycles.machine_id
            AND o.event_id = cycles.event_id AND o.id < cycles.id);
        CREATE UNIQUE INDEX cycles_event ON cycles (tenant, machine_id, event_id);
        CREATE INDEX events_machine_type_cursor ON events (tenant, machine_id, type, cursor);
        """;

    /// <summary>
    /// Migration 4: an observation is one row per (tenant, machine, instanceId, sequence, timestamp), a missing instanceId
    /// counting as one value; copies an older version stored (an edge resending after its cursor went back) keep the lowest
    /// id. The timestamp is part of the identity because PostgreSQL's unique indexes on a table partitioned by time must hold
    /// the time: a resent observation has the time the agent gave it, so it is the same row on both stores.
    /// </summary>
    public const string ObservationIdentity = """
        DELETE FROM observations WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (
            PARTITION BY tenant, machine_id, coalesce(instance_id, ''), seq, ts ORDER BY id) AS copy FROM observations) numbered WHERE copy > 1);
        CREATE UNIQUE INDEX observations_identity ON observations (tenant, machine_id, (coalesce(instance_id, '')), seq, ts);
        """;

    /// <summary>
    /// Migration 5, after each store's <c>notifications</c> table (its surrogate key differs): a notification is one row per
    /// (tenant, machine, id), so a resent batch adds none; the worker finds the ones not fanned out yet by a partial index.
    /// A webhook subscription lists its event types in a table of its own; a delivery is one row per (subscription,
    /// notification), and the worker finds due ones by status and next attempt. <c>{id}</c> and <c>{time}</c> are the
    /// store's surrogate key (an auto-increment column in SQLite, where an INTEGER PRIMARY KEY is one) and time types.
    /// </summary>
    public const string NotificationsAndWebhooks = """
        CREATE UNIQUE INDEX notifications_identity ON notifications (tenant, (coalesce(machine_id, '')), id);
        CREATE INDEX notifications_unfanned ON notifications (seq) WHERE fanned_at IS NULL;
        CREATE TABLE webhooks (id text PRIMARY KEY, tenant text NOT NULL, url text NOT NULL, description text, secret text NOT NULL,
            created {time} NOT NULL);
        CREATE INDEX webhooks_tenant ON webhooks (tenant, id);
        CREATE TABLE webhook_event_types (webhook_id text NOT NULL, type text NOT NULL, PRIMARY KEY (webhook_id, type));
        CREATE TABLE webhook_deliveries (id {id} PRIMARY KEY, tenant text NOT NULL, webhook_id text NOT NULL,
            notification_seq bigint NOT NULL, status text NOT NULL, attempts integer NOT NULL, last_error text, last_status integer,
            next_attempt {time}, claimed_until {time}, created {time} NOT NULL, sent_at {time});
        CREATE UNIQUE INDEX webhook_deliveries_identity ON webhook_deliveries (webhook_id, notification_seq);
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt, id) WHERE status = 'pending';
        CREATE INDEX webhook_deliveries_list ON webhook_deliveries (tenant, webhook_id, id);
        """;

    /// <summary>
    /// Migration 6 (after its tables): at most one open alert per (tenant, rule, subject), which is what lets two cloud
    /// instances evaluate at once (the second insert does nothing); alerts listed newest first.
    /// </summary>
    public const string AlertIndexes = """
        CREATE UNIQUE INDEX alerts_open_subject ON alerts (tenant, rule, subject) WHERE resolved_at IS NULL;
        CREATE INDEX alerts_tenant_opened ON alerts (tenant, opened_at, id);
        CREATE INDEX events_tenant_type_start ON events (tenant, type, start_ts);
        """;

    /// <summary>
    /// Migration 7: a broker sink's delivery of a notification is one row per (sink, notification), made when the notification
    /// is fanned out; the sink's worker takes pending ones in notification order. <c>{id}</c> and <c>{time}</c> as for migration 5.
    /// </summary>
    public const string BusDeliveries = """
        CREATE TABLE bus_deliveries (id {id} PRIMARY KEY, sink text NOT NULL, notification_seq bigint NOT NULL, status text NOT NULL,
            attempts integer NOT NULL, last_error text, next_attempt {time} NOT NULL, claimed_until {time}, created {time} NOT NULL,
            sent_at {time});
        CREATE UNIQUE INDEX bus_deliveries_identity ON bus_deliveries (sink, notification_seq);
        CREATE INDEX bus_deliveries_due ON bus_deliveries (sink, notification_seq) WHERE status = 'pending';
        CREATE INDEX bus_deliveries_notification ON bus_deliveries (notification_seq);
        """;

    /// <summary>
    /// Migration 8: one-time sign-in links for the pages, by the SHA-256 of their token (the token itself is never stored),
    /// with the tenant and key that made them, when they expire and when they were used (once).
    /// </summary>
    public const string SignInLinks = """
        CREATE TABLE sign_in_links (token_hash {hash} PRIMARY KEY, tenant TEXT NOT NULL, key_id TEXT NOT NULL,
            created_at {time} NOT NULL, expires_at {time} NOT NULL, used_at {time});
        """;

    /// <summary>
    /// Migration 9: a tenant's plant time, one row per tenant: its IANA time zone and its shift calendar as JSON (the shifts
    /// are read and written whole, never queried by SQL). A tenant without a row has the defaults (UTC, one shift all day).
    /// </summary>
    public const string PlantSettings = """
        CREATE TABLE plant_settings (tenant TEXT PRIMARY KEY, time_zone TEXT NOT NULL, shifts TEXT NOT NULL, updated_at {time} NOT NULL);
        """;

    /// <summary>
    /// Migration 10: a machine's events by type and end, so that a read of what touches a range finds the intervals that
    /// started before it and end in or after it (or are still open) without reading the machine's history before it.
    /// </summary>
    public const string EventsByEnd = """
        CREATE INDEX events_machine_type_end ON events (tenant, machine_id, type, end_ts);
        """;

    /// <summary>
    /// Migration 11: ASP.NET Core's data-protection key ring (the keys that protect the pages' sign-in cookie), one row per
    /// key or revocation by its friendly name (<c>key-{guid}</c>), so that every cloud host over the database shares it.
    /// </summary>
    public const string DataProtectionKeys = """
        CREATE TABLE data_protection_keys (friendly_name TEXT PRIMARY KEY, xml TEXT NOT NULL, created_at {time} NOT NULL);
        """;

    /// <summary>
    /// Migration 12: summaries' numbers per machine and quarter hour (and per hour, the sum of four), computed once a quarter
    /// has passed and kept until a row of the machine starting in or before it changes (the triggers of each backend), with a
    /// generation per machine that each such change steps.
    /// </summary>
    public const string SummaryQuarters = """
        CREATE TABLE summary_quarters (tenant text NOT NULL, machine_id text NOT NULL, start_ts {time} NOT NULL, minutes integer NOT NULL,
            tally text NOT NULL, PRIMARY KEY (tenant, machine_id, start_ts, minutes));
        CREATE TABLE summary_generations (tenant text NOT NULL, machine_id text NOT NULL, gen bigint NOT NULL,
            PRIMARY KEY (tenant, machine_id));

        """;

    /// <summary>
    /// Migration 13: up to when a machine's edge last confirmed its state (its heartbeat), so that what the machine is doing
    /// now reaches that time although nothing changed.
    /// </summary>
    public const string MachinesConfirmed = """
        ALTER TABLE machines ADD COLUMN confirmed_at {time};
        """;
}
