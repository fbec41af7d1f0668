using System.Globalization;

namespace Mtc.Edge.Outbox;

/// <summary>
/// What the cloud may hold of this outbox's stream. The cloud skips every record at or below its high-water mark, so it
/// must never hold a seq this outbox did not send: an outbox restored from a backup, or copied from another edge, assigns
/// again seqs the cloud already has, and what it collects under them would be skipped as already delivered. The outbox
/// remembers the highest seq it ever sent (<see cref="SentThrough"/>, written before a batch goes); a cloud that held more
/// before a batch is such a case, and the outbox then continues under a new stream id (<see cref="RotateStream"/>).
/// </summary>
internal sealed partial class OutboxStore
{
    /// <summary>The highest seq this outbox ever sent to the cloud (0 when none).</summary>
    public long SentThrough
    {
        get { lock (_gate) { return _sentThrough; } }
    }

    /// <summary>Records that a batch through <paramref name="toSeq"/> is about to be sent; durable before it goes.</summary>
    public void MarkSent(long toSeq)
    {
        lock (_gate)
        {
            if (toSeq <= _sentThrough)
            {
                return;
            }
            using var cmd = Command(null, "INSERT INTO meta (key, value) VALUES ('sent_through', $v) ON CONFLICT (key) DO UPDATE SET value = $v");
            cmd.Parameters.AddWithValue("$v", toSeq.ToString(CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
            _sentThrough = toSeq;
        }
    }

    /// <summary>
    /// Continues under a new random stream id: the cloud starts a new high-water mark for it, so every record still here is
    /// delivered again and none is skipped (the cloud stores an observation or a derived event it already has once).
    /// Returns the new id. Nothing has been sent on it yet.
    /// </summary>
    public string RotateStream()
    {
        lock (_gate)
        {
            var id = Guid.NewGuid().ToString("N");
            // The new stream has had nothing sent yet.
            using var cmd = Command(null, "UPDATE meta SET value = $id WHERE key = 'stream_id'; DELETE FROM meta WHERE key = 'sent_through';");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();
            _streamId = id;
            _sentThrough = 0;
            return id;
        }
    }
}
