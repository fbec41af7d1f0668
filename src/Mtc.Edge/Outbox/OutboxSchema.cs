using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Outbox;

/// <summary>The outbox tables. <c>AUTOINCREMENT</c> makes SQLite keep the highest seq ever used, so a seq is never reused after deletes.</summary>
internal static class OutboxSchema
{
    public const int Version = 1;

    private const string Create = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS records (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            kind       TEXT    NOT NULL,
            machine_id TEXT,
            sequence   INTEGER,
            is_sample  INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            payload    BLOB    NOT NULL);
        CREATE INDEX IF NOT EXISTS records_samples ON records (seq) WHERE is_sample = 1;
        CREATE TABLE IF NOT EXISTS cursors (
            source          TEXT PRIMARY KEY,
            instance_id     TEXT,
            next_sequence   INTEGER NOT NULL,
            analytics_state BLOB,
            updated_ms      INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS machine_states (
            source     TEXT NOT NULL,
            machine_id TEXT NOT NULL,
            state      BLOB NOT NULL,
            PRIMARY KEY (source, machine_id));
        CREATE TABLE IF NOT EXISTS quarantine (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            from_seq    INTEGER NOT NULL,
            to_seq      INTEGER NOT NULL,
            records     INTEGER NOT NULL,
            status_code INTEGER NOT NULL,
            reason      TEXT    NOT NULL,
            batch       BLOB    NOT NULL,
            created_ms  INTEGER NOT NULL);
        """;

    public static void Apply(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction();
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = Create;
            cmd.ExecuteNonQuery();
        }
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT OR IGNORE INTO meta (key, value) VALUES ('stream_id', $id), ('schema_version', $v), ('dropped_records', '0'), ('quota_drops', '0');";
            cmd.Parameters.AddWithValue("$id", Guid.NewGuid().ToString("N"));
            cmd.Parameters.AddWithValue("$v", Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }
}
