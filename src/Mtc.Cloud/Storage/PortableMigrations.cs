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
}
