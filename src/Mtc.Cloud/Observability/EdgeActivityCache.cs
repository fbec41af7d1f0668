using Microsoft.Extensions.Options;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Observability;

/// <summary>An edge's activity as the gauges export it.</summary>
internal sealed record EdgeActivity(string Tenant, string EdgeId, double LagSeconds, double LastContactUnixSeconds);

/// <summary>
/// What the per-edge gauges read: the edges' activity from one query, refreshed by <see cref="EdgeActivityRefresher"/>
/// every <see cref="ObservabilityOptions.MetricsRefreshSeconds"/>. Lag is computed at read time from the stored
/// newest record time, so it keeps growing between refreshes (and during an outage) as it would for real.
/// </summary>
internal sealed class EdgeActivityCache(TimeProvider time)
{
    private volatile IReadOnlyList<EdgeActivityRow> _rows = [];
    private volatile bool _databaseAnswered = true;

    public bool DatabaseAnswered => _databaseAnswered;

    public void Update(IReadOnlyList<EdgeActivityRow> rows)
    {
        _rows = rows;
        _databaseAnswered = true;
    }

    public void DatabaseState(bool answered) => _databaseAnswered = answered;

    public IEnumerable<EdgeActivity> Snapshot()
    {
        var now = time.GetUtcNow();
        foreach (var r in _rows)
        {
            // An edge that sent no observation yet has no lag to speak of; its last contact still says it is alive.
            var lag = r.NewestRecord is { } newest ? Math.Max(0, (now - newest).TotalSeconds) : 0;
            yield return new EdgeActivity(r.Tenant, r.EdgeId, lag, r.LastContact.ToUnixTimeMilliseconds() / 1000.0);
        }
    }
}

/// <summary>Refreshes <see cref="EdgeActivityCache"/>; a failed round marks the database as not answering and the loop goes on.</summary>
internal sealed class EdgeActivityRefresher(
    ICloudStore store, EdgeActivityCache cache, CloudMetrics metrics, IOptions<ObservabilityOptions> options, TimeProvider time,
    ILogger<EdgeActivityRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.MetricsRefreshSeconds), time);
        do
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.ReadyTimeoutSeconds));
                var rows = await metrics.TimeDatabaseAsync("edge_activity", () => store.ListEdgeActivityAsync(timeout.Token)).ConfigureAwait(false);
                cache.Update(rows);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                cache.DatabaseState(false);
                Log.EdgeActivityFailed(log, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
