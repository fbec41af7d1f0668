using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Status;

/// <summary>
/// Outbox statistics, counted in the background every <see cref="Interval"/> (<see cref="OutboxStatsRefresher"/>): metrics
/// scrapes and status requests read the last count and never wait for one. Counting a large backlog takes a while and
/// holds the outbox's lock, so a request that counted would wait for the collectors' commits and make them wait in turn.
/// </summary>
internal sealed class OutboxStatsCache(OutboxStore outbox, TimeProvider time)
{
    /// <summary>How often the statistics are counted: the outbox figures of <c>/api/status</c> are at most this old (plus one count).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly Lock _gate = new();
    private volatile Counted? _last;

    /// <summary>The last count (counted now when there is none yet).</summary>
    public OutboxStats Get() => (_last ?? Count()).Stats;

    /// <summary>When the statistics <see cref="Get"/> returns were counted.</summary>
    public DateTimeOffset CountedAt => (_last ?? Count()).At;

    /// <summary>Counts now (the refresher's job; one count at a time).</summary>
    public Counted Count()
    {
        lock (_gate)
        {
            var counted = new Counted(outbox.GetStats(), time.GetUtcNow());
            _last = counted;
            return counted;
        }
    }

    internal sealed record Counted(OutboxStats Stats, DateTimeOffset At);
}

/// <summary>Counts the outbox statistics every <see cref="OutboxStatsCache.Interval"/>; a failed count is logged and the next one tried.</summary>
internal sealed class OutboxStatsRefresher(OutboxStatsCache cache, TimeProvider time, ILogger<OutboxStatsRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                cache.Count();
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or ObjectDisposedException)
            {
                Log.StatsFailed(log, e.Message);
            }
            try
            {
                await Task.Delay(OutboxStatsCache.Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
