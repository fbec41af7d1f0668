using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Mtc.Edge.Tests.Outbox;

/// <summary>What an edge's outbox holds, read from its file as a person with sqlite3 would, while the edge runs.</summary>
internal static class OutboxRecords
{
    /// <summary>The payloads (JSON) of the records of <paramref name="kind"/> in <paramref name="outboxPath"/>, in storage order; none when there is no file yet.</summary>
    public static List<JsonElement> Read(string outboxPath, string kind)
    {
        if (!File.Exists(outboxPath))
        {
            return [];
        }
        using var db = new SqliteConnection($"Data Source={outboxPath};Mode=ReadOnly;Pooling=False");
        db.Open();
        using (var pragma = db.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 10000";
            pragma.ExecuteNonQuery();
        }
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT payload FROM records WHERE kind = $k ORDER BY seq";
        cmd.Parameters.AddWithValue("$k", kind);
        using var r = cmd.ExecuteReader();
        var list = new List<JsonElement>();
        while (r.Read())
        {
            list.Add(JsonDocument.Parse((byte[])r.GetValue(0)).RootElement.Clone());
        }
        return list;
    }
}
