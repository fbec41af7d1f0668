using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Mtc.Core.Model;
using Mtc.Edge.Outbox;

namespace Mtc.Benchmarks.Edge;

/// <summary>
/// Outbox append (records + cursor in one transaction, quota check) against a bare SQLite insert of the same rows into a
/// two-column table, both WAL with synchronous FULL on a real file, 1000 observations per transaction (one sample part).
/// </summary>
[MemoryDiagnoser]
public class OutboxAppendBenchmark
{
    private const int Rows = 1000;
    private readonly List<OutboxEntry> _entries = [];
    private string _dir = "";
    private OutboxStore _outbox = null!;
    private SqliteConnection _bare = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mtc-bench-" + Guid.NewGuid().ToString("N"));
        var ts = new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < Rows; i++)
        {
            var o = new Observation { Category = DataItemCategory.Sample, ElementName = "PathFeedrate", DataItemId = "f" + (i % 40), Sequence = i,
                Timestamp = ts.AddMilliseconds(i), Value = (i * 0.37).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) };
            _entries.Add(new OutboxEntry("observation", "M1", i, true, RecordPayloads.Observation("M1", "1", o)));
        }
        _outbox = OutboxStore.Open(Path.Combine(_dir, "outbox"), 1L << 40);
        Directory.CreateDirectory(Path.Combine(_dir, "bare"));
        _bare = new SqliteConnection($"Data Source={Path.Combine(_dir, "bare", "bare.db")};Pooling=False");
        _bare.Open();
        using var cmd = _bare.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE rows (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL);";
        cmd.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _outbox.Dispose();
        _bare.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public void BareSqliteInsert()
    {
        using var tx = _bare.BeginTransaction();
        using var cmd = _bare.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO rows (payload) VALUES ($p)";
        var p = cmd.Parameters.Add("$p", SqliteType.Blob);
        cmd.Prepare();
        foreach (var e in _entries)
        {
            p.Value = e.Payload;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    [Benchmark]
    public long OutboxAppend() => _outbox.Append("agent:bench", new SourceCursor("1", _next += Rows), _entries);
}
