using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Tests.Outbox;

public sealed class OutboxStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static OutboxEntry Sample(string machine, long sequence, int size = 100) =>
        new("observation", machine, sequence, true,
            Encoding.UTF8.GetBytes($$"""{"kind":"observation","machineId":"{{machine}}","sequence":{{sequence}},"value":"{{new string('x', size)}}"}"""));

    internal static OutboxEntry Event(string machine, long sequence) =>
        new("observation", machine, sequence, false,
            Encoding.UTF8.GetBytes($$"""{"kind":"observation","machineId":"{{machine}}","sequence":{{sequence}},"category":"EVENT","value":"ACTIVE"}"""));

    [Fact]
    public void Seq_is_never_reused_after_delete_and_restart()
    {
        string streamId;
        using (var store = OutboxStore.Open(_dir.Path, 1L << 30))
        {
            streamId = store.StreamId;
            Assert.Equal(5, store.Append("a", new SourceCursor("1", 6), [.. Enumerable.Range(1, 5).Select(i => Sample("M1", i))]));
            Assert.Equal(5, store.DeleteThrough(5));
            Assert.Equal(0, store.GetStats().Records);
        }
        using (var store = OutboxStore.Open(_dir.Path, 1L << 30))
        {
            Assert.Equal(streamId, store.StreamId);
            Assert.Equal(5, store.LastSeq);
            Assert.Equal(7, store.Append("a", new SourceCursor("1", 8), [Sample("M1", 6), Sample("M1", 7)]));
            var batch = store.ReadBatch(100, 1 << 20);
            Assert.Equal([6L, 7L], batch.Select(r => r.Seq));
        }
    }

    [Fact]
    public void A_new_outbox_gets_a_new_random_stream_id()
    {
        using var a = OutboxStore.Open(_dir.Sub("a"), 1L << 30);
        using var b = OutboxStore.Open(_dir.Sub("b"), 1L << 30);
        Assert.Equal(32, a.StreamId.Length);
        Assert.NotEqual(a.StreamId, b.StreamId);
    }

    [Fact]
    public void Records_and_cursor_are_stored_together_or_not_at_all()
    {
        using var store = OutboxStore.Open(_dir.Path, 1L << 30);
        store.Append("agent", new SourceCursor("7", 11), [.. Enumerable.Range(1, 10).Select(i => Sample("M1", i))]);
        // A record that violates the schema (kind NOT NULL) fails the whole transaction: no record, no cursor move.
        var bad = new OutboxEntry(null!, "M1", 12, true, [1]);
        Assert.ThrowsAny<InvalidOperationException>(() => store.Append("agent", new SourceCursor("7", 13), [Sample("M1", 11), bad]));
        Assert.Equal(new SourceCursor("7", 11), store.GetCursor("agent"));
        Assert.Equal(10, store.GetStats().Records);
        Assert.Equal(10, store.LastSeq);
        Assert.Equal(11, store.Append("agent", new SourceCursor("7", 12), [Sample("M1", 11)]));
    }

    [Fact]
    public void Appended_completes_on_the_next_append_of_records_only()
    {
        using var store = OutboxStore.Open(_dir.Path, 1L << 30);
        var before = store.Appended;
        store.Append("agent", new SourceCursor("7", 5), []); // a cursor alone is nothing to send
        Assert.False(before.IsCompleted);
        store.Append("agent", new SourceCursor("7", 6), [Sample("M1", 5)]);
        Assert.True(before.IsCompletedSuccessfully);
        // The uplink reads it again before its next batch: that one waits for the next append.
        var after = store.Appended;
        Assert.False(after.IsCompleted);
        store.DeleteThrough(store.LastSeq);
        Assert.False(after.IsCompleted);
        store.Append("agent", new SourceCursor("7", 7), [Sample("M1", 6)]);
        Assert.True(after.IsCompletedSuccessfully);
    }

    [Fact]
    public void Cursor_keeps_analytics_state()
    {
        using (var store = OutboxStore.Open(_dir.Path, 1L << 30))
        {
            store.Append("s", new SourceCursor(null, 42, [1, 2, 3]), []);
        }
        using var reopened = OutboxStore.Open(_dir.Path, 1L << 30);
        var cursor = reopened.GetCursor("s")!;
        Assert.Equal(42, cursor.NextSequence);
        Assert.Equal([1, 2, 3], cursor.AnalyticsState);
        Assert.Null(reopened.GetCursor("other"));
    }

    [Fact]
    public void Batches_are_bounded_by_count_and_bytes_and_contiguous()
    {
        using var store = OutboxStore.Open(_dir.Path, 1L << 30);
        store.Append("s", null, [.. Enumerable.Range(1, 100).Select(i => Sample("M1", i, 1000))]);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), store.ReadBatch(30, 1 << 20).Select(r => r.Seq));
        var byBytes = store.ReadBatch(1000, 10_000);
        Assert.InRange(byBytes.Count, 8, 10);
        Assert.Equal(Enumerable.Range(1, byBytes.Count).Select(i => (long)i), byBytes.Select(r => r.Seq));
        Assert.Single(store.ReadBatch(1000, 10));
    }

    [Fact]
    public void Quarantined_batches_are_kept_and_counted_and_leave_the_queue()
    {
        using var store = OutboxStore.Open(_dir.Path, 1L << 30);
        store.Append("s", null, [.. Enumerable.Range(1, 10).Select(i => Sample("M1", i))]);
        store.Quarantine(1, 4, 4, 422, "refused", [9, 9]);
        var stats = store.GetStats();
        Assert.Equal(6, stats.Records);
        Assert.Equal(4, stats.Quarantined);
        Assert.Equal(1, stats.QuarantinedBatches);
        Assert.Equal(5, store.ReadBatch(100, 1 << 20)[0].Seq);
    }

    [Fact]
    public void Quota_drops_oldest_samples_first_and_records_each_drop_as_a_gap()
    {
        const long max = 1 << 20;
        const int samples = 12_000;
        var store = OutboxStore.Open(_dir.Path, max, "NORMAL");
        try
        {
            // Events interleaved with samples: the quota must keep every event while samples can go.
            var seq = 0L;
            for (var round = 0; round < samples / 200; round++)
            {
                var batch = new List<OutboxEntry>();
                for (var i = 0; i < 200; i++)
                {
                    batch.Add(Sample("M1", ++seq, 150));
                }
                batch.Add(Event("M1", ++seq));
                store.Append("s", new SourceCursor("1", seq + 1), batch);
                Assert.True(store.GetStats().UsedBytes <= max, "used bytes stay within the quota");
                Assert.True(FilesOnDisk() <= max, $"the files on disk ({FilesOnDisk()} bytes) stay within the quota");
            }
        }
        finally
        {
            store.Dispose();
        }
        Assert.True(new FileInfo(Path.Combine(_dir.Path, OutboxStore.FileName)).Length <= max + 64 * 1024);

        // Counted independently with a plain connection.
        using var db = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, OutboxStore.FileName)};Pooling=False");
        db.Open();
        long Count(string sql)
        {
            using var c = db.CreateCommand();
            c.CommandText = sql;
            return (long)c.ExecuteScalar()!;
        }
        var remainingSamples = Count("SELECT COUNT(*) FROM records WHERE is_sample = 1");
        var events = Count("SELECT COUNT(*) FROM records WHERE kind = 'observation' AND is_sample = 0");
        Assert.Equal(samples / 200, events);
        Assert.True(remainingSamples < samples, "some samples were dropped");
        long missed = 0;
        using (var c = db.CreateCommand())
        {
            c.CommandText = "SELECT payload FROM records WHERE kind = 'gap'";
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                using var doc = JsonDocument.Parse((byte[])r.GetValue(0));
                Assert.Equal("outbox", doc.RootElement.GetProperty("source").GetString());
                Assert.Equal("M1", doc.RootElement.GetProperty("machineId").GetString());
                missed += doc.RootElement.GetProperty("missed").GetInt64();
            }
        }
        Assert.Equal(samples - remainingSamples, missed);
        // The oldest samples went: every remaining sample is newer than every dropped one.
        var oldestRemaining = Count("SELECT MIN(sequence) FROM records WHERE is_sample = 1");
        var sampleSequencesBelow = Count($"SELECT COUNT(*) FROM records WHERE is_sample = 1 AND sequence >= {oldestRemaining}");
        Assert.Equal(remainingSamples, sampleSequencesBelow);
        Assert.True(Count("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'dropped_records'") == missed);
    }

    [Fact]
    public void Quota_bounds_the_database_wal_and_index_files_even_with_large_writes()
    {
        const long max = 1 << 20;
        using var store = OutboxStore.Open(_dir.Path, max, "FULL");
        var seq = 0L;
        long peak = 0;
        for (var round = 0; round < 40; round++)
        {
            // A full sample part of 1000 observations of about 300 bytes each, the largest a collector appends.
            var batch = Enumerable.Range(0, 1000).Select(_ => Sample("M1", ++seq, 200)).ToList();
            store.Append("s", new SourceCursor("1", seq + 1), batch);
            peak = Math.Max(peak, FilesOnDisk());
            if (round % 5 == 4)
            {
                store.DeleteThrough(store.LastSeq - 3000);
                peak = Math.Max(peak, FilesOnDisk());
            }
        }
        Assert.True(store.GetStats().DroppedRecords > 10_000, "the quota dropped records");
        Assert.True(peak <= max, $"outbox files reached {peak} bytes, over the {max}-byte quota");
        Assert.Equal(FilesOnDisk(), store.GetStats().FileBytes);
    }

    [Fact]
    public void A_write_larger_than_one_write_may_take_is_stored_as_a_gap_and_the_files_stay_within_the_quota()
    {
        const long max = 1 << 20;
        using var store = OutboxStore.Open(_dir.Path, max, "FULL");
        store.Append("s", new SourceCursor("1", 11), [.. Enumerable.Range(1, 10).Select(i => Sample("M1", i))]);
        // One device model of 2 MiB (twice the whole quota) with observations of two machines, in one write.
        var model = new OutboxEntry("deviceModel", "M1", null, false, Encoding.UTF8.GetBytes(new string('x', 2 << 20)));
        List<OutboxEntry> huge = [model, .. Enumerable.Range(11, 5).Select(i => Sample("M1", i)), Event("M2", 16), Event("M2", 17)];
        store.Append("s", new SourceCursor("1", 18), huge);

        Assert.True(FilesOnDisk() <= max, $"outbox files are {FilesOnDisk()} bytes, over the {max}-byte quota");
        Assert.Equal(new SourceCursor("1", 18), store.GetCursor("s"));
        var records = store.ReadBatch(1000, 1 << 20);
        // The earlier records are kept; the refused write is one gap per machine with its count and sequence range.
        Assert.Equal(10, records.Count(r => r.Kind == "observation"));
        Assert.DoesNotContain(records, r => r.Kind == "deviceModel");
        var gaps = records.Where(r => r.Kind == "gap").Select(r => JsonDocument.Parse(r.Payload).RootElement).ToDictionary(g => g.GetProperty("machineId").GetString()!);
        Assert.Equal((6L, 11L, 15L), (gaps["M1"].GetProperty("missed").GetInt64(), gaps["M1"].GetProperty("fromSequence").GetInt64(), gaps["M1"].GetProperty("toSequence").GetInt64()));
        Assert.Equal((2L, 16L, 17L), (gaps["M2"].GetProperty("missed").GetInt64(), gaps["M2"].GetProperty("fromSequence").GetInt64(), gaps["M2"].GetProperty("toSequence").GetInt64()));
        Assert.All(gaps.Values, g => Assert.Equal(OutboxStore.QuotaSource, g.GetProperty("source").GetString()));
        Assert.Equal(8, store.GetStats().DroppedRecords);
    }

    [Fact]
    public void The_quota_never_drops_a_pinned_batch_in_flight()
    {
        const long max = 1 << 20;
        using var store = OutboxStore.Open(_dir.Path, max, "NORMAL");
        var seq = 0L;
        store.Append("s", new SourceCursor("1", 101), [.. Enumerable.Range(0, 100).Select(_ => Sample("M1", ++seq, 200))]);
        var batch = store.ReadBatch(50, 1 << 20, pin: true);
        Assert.Equal(50, batch.Count);
        // Fill far past the quota while the batch is "in flight".
        for (var round = 0; round < 20; round++)
        {
            store.Append("s", new SourceCursor("1", seq + 201), [.. Enumerable.Range(0, 200).Select(_ => Sample("M1", ++seq, 200))]);
        }
        Assert.True(store.GetStats().DroppedRecords > 1000, "the quota dropped records");
        Assert.Equal(batch.Select(r => r.Seq), store.ReadBatch(50, 1 << 20).Select(r => r.Seq));
        // Unpinned, the batch is the oldest again and goes first.
        store.Unpin();
        store.Append("s", new SourceCursor("1", seq + 201), [.. Enumerable.Range(0, 200).Select(_ => Sample("M1", ++seq, 200))]);
        Assert.True(store.ReadBatch(1, 1 << 20)[0].Seq > batch[^1].Seq, "the unpinned batch was dropped first");
    }

    [Fact]
    public void A_batch_read_ahead_follows_the_one_in_flight_and_the_quota_drops_neither()
    {
        const long max = 1 << 20;
        using var store = OutboxStore.Open(_dir.Path, max, "NORMAL");
        var seq = 0L;
        store.Append("s", new SourceCursor("1", 101), [.. Enumerable.Range(0, 100).Select(_ => Sample("M1", ++seq, 200))]);
        var inFlight = store.ReadBatch(40, 1 << 20, pin: true);
        var ahead = store.ReadBatch(40, 1 << 20, pin: true, afterSeq: inFlight[^1].Seq);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), inFlight.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(41, 40).Select(i => (long)i), ahead.Select(r => r.Seq));
        for (var round = 0; round < 20; round++)
        {
            store.Append("s", new SourceCursor("1", seq + 201), [.. Enumerable.Range(0, 200).Select(_ => Sample("M1", ++seq, 200))]);
        }
        Assert.True(store.GetStats().DroppedRecords > 1000, "the quota dropped records");
        // The cloud acknowledged the batch in flight: the one read ahead is still there, whole, and goes next.
        store.DeleteThrough(inFlight[^1].Seq);
        Assert.Equal(ahead.Select(r => r.Seq), store.ReadBatch(40, 1 << 20).Select(r => r.Seq));
    }

    /// <summary>outbox.db, -wal and -shm, measured independently of the store.</summary>
    private long FilesOnDisk() =>
        new[] { "", "-wal", "-shm" }.Select(x => new FileInfo(Path.Combine(_dir.Path, OutboxStore.FileName + x))).Sum(f => f.Exists ? f.Length : 0);
}
