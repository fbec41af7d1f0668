using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Notifications;

/// <summary>
/// One notification to deliver: <see cref="Id"/> is the causing event's id (the <c>Webhook-Id</c> every attempt carries),
/// <see cref="PayloadJson"/> the <c>data</c> object of the delivered body.
/// </summary>
internal sealed record NotificationRow(string Id, string Type, string? MachineId, DateTimeOffset Occurred, string? PayloadJson);

/// <summary>
/// Writes notification rows inside the caller's transaction, so a notification exists exactly when the event that causes
/// it was committed. Set-based: one INSERT per chunk of rows (a batch of a few hundred events is one statement), and
/// a row the (tenant, machine, id) identity already holds is left alone, so a resent batch adds nothing.
/// </summary>
internal static class NotificationRows
{
    /// <summary>Rows per statement: six parameters each stays well under both backends' parameter limits.</summary>
    private const int Chunk = 500;

    public static IReadOnlyList<Statement> Insert(string tenant, IReadOnlyList<NotificationRow> rows, DateTimeOffset now)
    {
        var statements = new List<Statement>((rows.Count / Chunk) + 1);
        for (var start = 0; start < rows.Count; start += Chunk)
        {
            var count = Math.Min(Chunk, rows.Count - start);
            var sql = new System.Text.StringBuilder(
                "INSERT INTO notifications (tenant, id, type, machine_id, occurred, payload, created) VALUES ", 80 + (count * 48));
            var parameters = new (string Name, object? Value)[2 + (count * 5)];
            parameters[0] = ("@t", tenant);
            parameters[1] = ("@now", SqlCloudStore.Normalize(now));
            for (var i = 0; i < count; i++)
            {
                var r = rows[start + i];
                var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "" : ", ").Append("(@t, @i").Append(n).Append(", @y").Append(n).Append(", @m").Append(n)
                    .Append(", @o").Append(n).Append(", @p").Append(n).Append(", @now)");
                parameters[2 + (i * 5)] = ("@i" + n, r.Id);
                parameters[3 + (i * 5)] = ("@y" + n, r.Type);
                parameters[4 + (i * 5)] = ("@m" + n, r.MachineId);
                parameters[5 + (i * 5)] = ("@o" + n, SqlCloudStore.Normalize(r.Occurred));
                parameters[6 + (i * 5)] = ("@p" + n, r.PayloadJson);
            }
            sql.Append(" ON CONFLICT DO NOTHING");
            statements.Add(new Statement(sql.ToString(), parameters));
        }
        return statements;
    }
}
