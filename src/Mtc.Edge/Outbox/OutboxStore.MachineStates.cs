using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Outbox;

internal sealed partial class OutboxStore
{
    /// <summary>
    /// Stores the per-machine analytics states of a cursor in its transaction: a row per machine, so a commit writes the
    /// machines that changed instead of every machine's state (with 500 machines, megabytes per commit).
    /// </summary>
    private void WriteMachineStates(SqliteTransaction tx, string source, AnalyticsStates states)
    {
        if (states.Full)
        {
            using var delete = Command(tx, "DELETE FROM machine_states WHERE source = $s");
            delete.Parameters.AddWithValue("$s", source);
            delete.ExecuteNonQuery();
        }
        if (states.Machines.Count == 0)
        {
            return;
        }
        using var cmd = Command(tx, """
            INSERT INTO machine_states (source, machine_id, state) VALUES ($s, $m, $v)
            ON CONFLICT (source, machine_id) DO UPDATE SET state = excluded.state
            """);
        cmd.Parameters.AddWithValue("$s", source);
        var m = cmd.Parameters.Add("$m", SqliteType.Text);
        var v = cmd.Parameters.Add("$v", SqliteType.Blob);
        cmd.Prepare();
        foreach (var (machine, state) in states.Machines)
        {
            m.Value = machine;
            v.Value = state;
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>The source's per-machine states as one JSON object <c>{ machineId: state, ... }</c>; null when it has none.</summary>
    private byte[]? ReadMachineStates(string source)
    {
        using var cmd = Command(null, "SELECT machine_id, state FROM machine_states WHERE source = $s ORDER BY machine_id");
        cmd.Parameters.AddWithValue("$s", source);
        using var r = cmd.ExecuteReader();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var any = false;
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            while (r.Read())
            {
                any = true;
                w.WritePropertyName(r.GetString(0));
                w.WriteRawValue((byte[])r.GetValue(1), skipInputValidation: true);
            }
            w.WriteEndObject();
        }
        return any ? buffer.WrittenSpan.ToArray() : null;
    }
}
