using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mtc.Cloud.Observability;

/// <summary>
/// The cloud's instruments: one meter, OpenTelemetry names, explicit units, exported on <c>/metrics</c>. Per-edge
/// gauges read <see cref="EdgeActivityCache"/>, never the database, so a scrape costs no query.
/// </summary>
internal sealed class CloudMetrics : IDisposable
{
    public const string MeterName = "Mtc.Cloud";

    /// <summary>Meters of other cloud components (<c>Mtc.Cloud.Notifications</c>...) are exported with this one.</summary>
    public const string ComponentMeters = "Mtc.Cloud.*";

    // The exporter's default boundaries are for milliseconds; these suit calls of a millisecond to ten seconds.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private readonly Meter _meter;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _observations;
    private readonly Histogram<double> _ingestDuration;
    private readonly Counter<long> _problems;
    private readonly Histogram<double> _databaseDuration;

    public CloudMetrics(IMeterFactory meters, EdgeActivityCache edges)
    {
        _meter = meters.Create(MeterName);
        _batches = _meter.CreateCounter<long>("mtc.cloud.ingest.batches", "{batch}",
            "Edge batches received, per result (accepted, duplicate, rejected, failed).");
        _observations = _meter.CreateCounter<long>("mtc.cloud.ingest.observations", "{observation}",
            "Records in edge batches (observations, and the device models, events, gaps and status among them), per result (accepted: stored; skipped: already stored).");
        _ingestDuration = _meter.CreateHistogram<double>("mtc.cloud.ingest.duration", "s", "Time of one ingest request.", null, Seconds);
        _problems = _meter.CreateCounter<long>("mtc.cloud.http.problems", "{problem}",
            "Error responses (problem details), per problem type and status.");
        _databaseDuration = _meter.CreateHistogram<double>("mtc.cloud.database.duration", "s",
            "Time of database calls, per operation (ingest, ping, edge_activity) and outcome.", null, Seconds);
        _meter.CreateObservableGauge("mtc.cloud.edge.lag", () => edges.Snapshot().Select(e => Measure(e.LagSeconds, e)), "s",
            "Age of the newest observation an edge sent (now minus its timestamp).");
        _meter.CreateObservableGauge("mtc.cloud.edge.last_contact", () => edges.Snapshot().Select(e => Measure(e.LastContactUnixSeconds, e)), "s",
            "When an edge last sent a batch, in Unix seconds.");
        _meter.CreateObservableGauge("mtc.cloud.ready", () => edges.DatabaseAnswered ? 1 : 0, null,
            "1 while the database answers (as /health/ready reports), 0 otherwise.");
    }

    private static Measurement<double> Measure(double value, EdgeActivity e) =>
        new(value, new KeyValuePair<string, object?>("tenant", e.Tenant), new KeyValuePair<string, object?>("edge", e.EdgeId));

    public void Batch(string result, TimeSpan duration)
    {
        _batches.Add(1, new TagList { { "result", result } });
        _ingestDuration.Record(duration.TotalSeconds, new TagList { { "result", result } });
    }

    public void Observations(string result, long count)
    {
        if (count > 0)
        {
            _observations.Add(count, new TagList { { "result", result } });
        }
    }

    public void Problem(string type, int status) =>
        _problems.Add(1, new TagList { { "type", type }, { "status", status } });

    public void Database(string operation, bool ok, TimeSpan duration) =>
        _databaseDuration.Record(duration.TotalSeconds, new TagList { { "operation", operation }, { "outcome", ok ? "ok" : "error" } });

    /// <summary>Times a database call and records it under <paramref name="operation"/>, whether it succeeds or throws.</summary>
    public async Task<T> TimeDatabaseAsync<T>(string operation, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var result = await call().ConfigureAwait(false);
            ok = true;
            return result;
        }
        finally
        {
            Database(operation, ok, Stopwatch.GetElapsedTime(started));
        }
    }

    public void Dispose() => _meter.Dispose();
}
