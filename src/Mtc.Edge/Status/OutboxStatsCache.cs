using Mtc.Edge.Outbox;

namespace Mtc.Edge.Status;

/// <summary>Outbox statistics at most once a second: metrics scrapes and status polls must not each count the table.</summary>
internal sealed class OutboxStatsCache(OutboxStore outbox, TimeProvider time)
{
    private readonly Lock _gate = new();
    private OutboxStats? _stats;
    private DateTimeOffset _at;

    public OutboxStats Get()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_stats is null || now - _at > TimeSpan.FromSeconds(1))
            {
                _stats = outbox.GetStats();
                _at = now;
            }
            return _stats;
        }
    }
}
