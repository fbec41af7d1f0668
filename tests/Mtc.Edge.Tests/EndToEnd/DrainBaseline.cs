using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Mtc.Cloud.Storage;
using Npgsql;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// What the bare store takes to hold the rows a drain stored: the cloud's observations read back and written again into a
/// fresh database with the product's migrations, in batches of the edge's size, one transaction each; only the writing
/// is timed. PostgreSQL: a raw binary COPY per batch. SQLite: a prepared INSERT per row, one transaction per batch.
/// </summary>
internal static class DrainBaseline
{
    private const string Columns =
        "tenant, edge_id, stream_id, record_seq, machine_id, ts, data_item_id, seq, instance_id, name, category, type, sub_type, " +
        "value, level, native_code, native_severity, qualifier, condition_id";

    private static readonly byte[] CopyHeader = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static async Task<(long Rows, double Seconds)> CopyPostgresAsync(string source, string target, int batch)
    {
        await new DatabaseTarget("postgres", target).MigrateAsync(CancellationToken.None);
        await using var src = new NpgsqlConnection(source);
        await src.OpenAsync();
        await using var dst = new NpgsqlConnection(target);
        await dst.OpenAsync();
        // The same daily partitions as the cloud made.
        var partitions = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
            "WHERE i.inhparent = 'observations'::regclass", src))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                partitions.Add($"CREATE TABLE IF NOT EXISTS {r.GetString(0)} PARTITION OF observations {r.GetString(1)}");
            }
        }
        foreach (var sql in partitions)
        {
            await using var cmd = new NpgsqlCommand(sql, dst);
            await cmd.ExecuteNonQueryAsync();
        }

        // The rows as COPY gives them, cut into batches of whole rows.
        using var exported = new MemoryStream();
        await using (var export = await src.BeginRawBinaryCopyAsync($"COPY (SELECT {Columns} FROM observations ORDER BY id) TO STDOUT (FORMAT BINARY)"))
        {
            await export.CopyToAsync(exported);
        }
        var (chunks, rows) = SplitRows(exported.GetBuffer().AsSpan(0, (int)exported.Length), batch);

        var clock = Stopwatch.StartNew();
        foreach (var chunk in chunks)
        {
            await using var copy = await dst.BeginRawBinaryCopyAsync($"COPY observations ({Columns}) FROM STDIN (FORMAT BINARY)");
            await copy.WriteAsync(CopyHeader);
            await copy.WriteAsync(chunk);
            await copy.WriteAsync(new byte[] { 0xFF, 0xFF });
        }
        return (rows, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Binary COPY data (header, rows, trailer) as the rows alone, <paramref name="batch"/> rows a piece.</summary>
    private static (List<byte[]> Chunks, long Rows) SplitRows(ReadOnlySpan<byte> data, int batch)
    {
        var at = CopyHeader.Length + BinaryPrimitives.ReadInt32BigEndian(data[(CopyHeader.Length - 4)..]);
        var chunks = new List<byte[]>();
        long rows = 0;
        var start = at;
        var inChunk = 0;
        while (true)
        {
            var fields = BinaryPrimitives.ReadInt16BigEndian(data[at..]);
            if (fields < 0)
            {
                break;
            }
            at += 2;
            for (var f = 0; f < fields; f++)
            {
                at += 4 + Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(data[at..]));
            }
            rows++;
            if (++inChunk == batch)
            {
                chunks.Add(data[start..at].ToArray());
                start = at;
                inChunk = 0;
            }
        }
        if (inChunk > 0)
        {
            chunks.Add(data[start..at].ToArray());
        }
        return (chunks, rows);
    }

    public static async Task<(long Rows, double Seconds)> InsertSqliteAsync(string sourcePath, string targetPath, int batch)
    {
        await new DatabaseTarget("sqlite", targetPath).MigrateAsync(CancellationToken.None);
        using var src = new SqliteConnection($"Data Source={sourcePath};Mode=ReadOnly;Pooling=False");
        src.Open();
        using var dst = new SqliteConnection($"Data Source={targetPath};Pooling=False");
        dst.Open();
        using var read = src.CreateCommand();
        read.CommandText = $"SELECT {Columns} FROM observations ORDER BY id";
        using var reader = read.ExecuteReader();
        var columns = Columns.Split(", ");
        using var insert = dst.CreateCommand();
        insert.CommandText = $"INSERT INTO observations ({Columns}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))})";
        var parameters = columns.Select(c => insert.Parameters.Add(new SqliteParameter("@" + c, null))).ToArray();
        var values = new object[batch][];
        long rows = 0;
        var elapsed = TimeSpan.Zero;
        while (true)
        {
            var n = 0;
            while (n < batch && reader.Read())
            {
                var row = values[n] ??= new object[columns.Length];
                reader.GetValues(row);
                n++;
            }
            if (n == 0)
            {
                break;
            }
            var started = Stopwatch.GetTimestamp();
            using (var tx = dst.BeginTransaction(deferred: false))
            {
                insert.Transaction = tx;
                for (var i = 0; i < n; i++)
                {
                    for (var c = 0; c < parameters.Length; c++)
                    {
                        parameters[c].Value = values[i][c];
                    }
                    insert.ExecuteNonQuery();
                }
                tx.Commit();
            }
            elapsed += Stopwatch.GetElapsedTime(started);
            rows += n;
        }
        return (rows, elapsed.TotalSeconds);
    }
}
