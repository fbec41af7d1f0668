namespace Mtc.Cloud.Storage.Postgres;

/// <summary>The PostgreSQL schema, one version at a time.</summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "initial", """
            CREATE TABLE api_keys (id text PRIMARY KEY, tenant text NOT NULL, name text NOT NULL, scopes text NOT NULL,
                secret_hash bytea NOT NULL, created_at timestamptz NOT NULL, revoked_at timestamptz);
            CREATE TABLE edges (tenant text NOT NULL, id text NOT NULL, name text, registered_at timestamptz, last_seen timestamptz,
                status_json text, status_at timestamptz, PRIMARY KEY (tenant, id));
            CREATE TABLE streams (tenant text NOT NULL, edge_id text NOT NULL, stream_id text NOT NULL, hwm bigint NOT NULL,
                records_received bigint NOT NULL, gaps bigint NOT NULL, missed_known bigint NOT NULL, last_seen timestamptz NOT NULL,
                PRIMARY KEY (tenant, edge_id, stream_id));
            CREATE TABLE machines (tenant text NOT NULL, id text NOT NULL, edge_id text, name text, uuid text, device_model text,
                registered bigint NOT NULL DEFAULT 0, last_seen timestamptz, PRIMARY KEY (tenant, id));
            CREATE TABLE current_values (tenant text NOT NULL, machine_id text NOT NULL, data_item_id text NOT NULL, name text,
                category text, type text, value text, level text, ts timestamptz NOT NULL, seq bigint NOT NULL,
                PRIMARY KEY (tenant, machine_id, data_item_id));
            CREATE SEQUENCE observations_id_seq;
            CREATE TABLE observations (id bigint NOT NULL DEFAULT nextval('observations_id_seq'), tenant text NOT NULL,
                machine_id text NOT NULL, ts timestamptz NOT NULL, data_item_id text NOT NULL, seq bigint NOT NULL, instance_id text,
                name text, category text, type text, sub_type text, value text, level text, native_code text, native_severity text,
                qualifier text, condition_id text, edge_id text NOT NULL, stream_id text NOT NULL, record_seq bigint NOT NULL)
                PARTITION BY RANGE (ts);
            CREATE INDEX observations_machine_ts ON observations (tenant, machine_id, ts, id);
            CREATE TABLE cycles (id bigserial PRIMARY KEY, tenant text NOT NULL, machine_id text NOT NULL, event_id text NOT NULL,
                start_ts timestamptz NOT NULL, end_ts timestamptz NOT NULL, duration_s double precision NOT NULL,
                active_s double precision, interrupted_s double precision, program text, parts bigint, completion text);
            CREATE INDEX cycles_machine_start ON cycles (tenant, machine_id, start_ts, id);
            CREATE TABLE events (tenant text NOT NULL, cursor bigint NOT NULL, id text NOT NULL, source text NOT NULL,
                type text NOT NULL, machine_id text, edge_id text, start_ts timestamptz NOT NULL, end_ts timestamptz, data text,
                PRIMARY KEY (tenant, cursor));
            CREATE TABLE tenant_counters (tenant text PRIMARY KEY, event_seq bigint NOT NULL);
            CREATE TABLE idempotency (tenant text NOT NULL, key text NOT NULL, fingerprint text NOT NULL,
                created_at timestamptz NOT NULL, status bigint, body text, PRIMARY KEY (tenant, key));
            """),
        new(2, "events by machine", """
            CREATE INDEX events_machine_type_start ON events (tenant, machine_id, type, start_ts);
            """),
        new(3, "derived event identity", PortableMigrations.DerivedEventIdentity),
        new(4, "observation identity", PortableMigrations.ObservationIdentity),
        new(5, "notifications and webhooks", """
            CREATE TABLE notifications (seq bigserial PRIMARY KEY, tenant text NOT NULL, id text NOT NULL, type text NOT NULL,
                machine_id text, occurred timestamptz NOT NULL, payload text, created timestamptz NOT NULL, fanned_at timestamptz);
            """ + PortableMigrations.NotificationsAndWebhooks.Replace("{id}", "bigserial", StringComparison.Ordinal)
                .Replace("{time}", "timestamptz", StringComparison.Ordinal)),
        new(6, "alerts", """
            CREATE TABLE alerts (id bigserial PRIMARY KEY, tenant text NOT NULL, rule text NOT NULL, subject text NOT NULL,
                machine_id text, edge_id text, opened_at timestamptz NOT NULL, resolved_at timestamptz, resolution text,
                evidence text NOT NULL);
            CREATE TABLE alert_settings (tenant text NOT NULL, rule text NOT NULL, enabled boolean NOT NULL,
                threshold double precision NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant, rule));
            """ + PortableMigrations.AlertIndexes),
        new(7, "broker sink deliveries", PortableMigrations.BusDeliveries.Replace("{id}", "bigserial", StringComparison.Ordinal)
            .Replace("{time}", "timestamptz", StringComparison.Ordinal)),
        new(8, "sign-in links", PortableMigrations.SignInLinks.Replace("{hash}", "bytea", StringComparison.Ordinal)
            .Replace("{time}", "timestamptz", StringComparison.Ordinal)),
        new(9, "plant settings", PortableMigrations.PlantSettings.Replace("{time}", "timestamptz", StringComparison.Ordinal)),
        new(10, "events by end", PortableMigrations.EventsByEnd),
        new(11, "data-protection keys", PortableMigrations.DataProtectionKeys.Replace("{time}", "timestamptz", StringComparison.Ordinal)),
        new(12, "summary quarters", PortableMigrations.SummaryQuarters.Replace("{time}", "timestamptz", StringComparison.Ordinal) + """
            CREATE FUNCTION summary_quarters_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                r record;
                since timestamptz;
            BEGIN
                IF TG_OP = 'DELETE' THEN r := OLD; since := OLD.start_ts;
                ELSIF TG_OP = 'UPDATE' THEN r := NEW; since := least(OLD.start_ts, NEW.start_ts);
                ELSE r := NEW; since := NEW.start_ts;
                END IF;
                IF r.machine_id IS NOT NULL THEN
                    INSERT INTO summary_generations (tenant, machine_id, gen) VALUES (r.tenant, r.machine_id, 1)
                        ON CONFLICT (tenant, machine_id) DO UPDATE SET gen = summary_generations.gen + 1;
                    DELETE FROM summary_quarters WHERE tenant = r.tenant AND machine_id = r.machine_id
                        AND start_ts > since - interval '1 hour';
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER events_summary_quarters AFTER INSERT OR UPDATE OR DELETE ON events
                FOR EACH ROW EXECUTE FUNCTION summary_quarters_invalidate();
            CREATE TRIGGER cycles_summary_quarters AFTER INSERT OR UPDATE OR DELETE ON cycles
                FOR EACH ROW EXECUTE FUNCTION summary_quarters_invalidate();
            """),
        new(13, "machines confirmed by their edge", PortableMigrations.MachinesConfirmed.Replace("{time}", "timestamptz", StringComparison.Ordinal)),
    ];
}
