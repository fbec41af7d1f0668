using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mtc.Edge.Status;

/// <summary>The gateway's instruments (one meter, OpenTelemetry names, explicit units), exported on <c>/metrics</c>.</summary>
internal sealed class EdgeMetrics : IDisposable
{
    public const string MeterName = "Mtc.Edge";

    private readonly Meter _meter;
    private readonly Counter<long> _observations;
    private readonly Counter<long> _gaps;
    private readonly Counter<long> _batches;
    private readonly Histogram<double> _latency;

    public EdgeMetrics(IMeterFactory meters, Func<Outbox.OutboxStats> outbox, TimeProvider time)
    {
        _meter = meters.Create(MeterName);
        _observations = _meter.CreateCounter<long>("mtc.edge.observations", "{observation}", "Observations received, per source.");
        _gaps = _meter.CreateCounter<long>("mtc.edge.gaps", "{gap}", "Gap records written (data known to be lost), per source.");
        _batches = _meter.CreateCounter<long>("mtc.edge.uplink.batches", "{batch}", "Batches sent to the cloud, per result.");
        _latency = _meter.CreateHistogram<double>("mtc.edge.uplink.duration", "s", "Time of one ingest request.");
        _meter.CreateObservableGauge("mtc.edge.outbox.records", () => outbox().Records, "{record}", "Records waiting in the outbox.");
        _meter.CreateObservableGauge("mtc.edge.outbox.used_bytes", () => outbox().UsedBytes, "By", "Bytes of database pages in use.");
        _meter.CreateObservableGauge("mtc.edge.outbox.file_bytes", () => outbox().FileBytes, "By", "Bytes of the outbox files on disk (database, WAL, WAL index): what the quota bounds.");
        _meter.CreateObservableGauge("mtc.edge.outbox.oldest_age", () =>
            outbox().OldestCreated is { } c ? (time.GetUtcNow() - c).TotalSeconds : 0, "s", "Age of the oldest record waiting.");
        _meter.CreateObservableCounter("mtc.edge.outbox.dropped", () => outbox().DroppedRecords, "{record}", "Records the quota dropped.");
        _meter.CreateObservableGauge("mtc.edge.outbox.quarantined", () => outbox().Quarantined, "{record}", "Records in refused batches.");
    }

    public void Observations(string source, int n) => _observations.Add(n, new TagList { { "source", source } });

    public void Gaps(string source, int n) => _gaps.Add(n, new TagList { { "source", source } });

    public void Batch(string result, TimeSpan duration)
    {
        _batches.Add(1, new TagList { { "result", result } });
        _latency.Record(duration.TotalSeconds);
    }

    public void Dispose() => _meter.Dispose();
}
