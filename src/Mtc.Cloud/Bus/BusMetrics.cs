using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mtc.Cloud.Bus;

/// <summary>
/// The meter <c>Mtc.Cloud.Bus</c>: per broker sink (<c>bus</c> = mqtt, nats), messages published by outcome, whether it is
/// connected, and its queue's depth and age (gauges over the worker's latest reading, so a scrape never waits for the database).
/// </summary>
internal sealed class BusMetrics
{
    public const string MeterName = "Mtc.Cloud.Bus";
    private static readonly string[] Outcomes = ["sent", "retry"];
    private readonly ConcurrentDictionary<string, SinkState> _sinks = new(StringComparer.Ordinal);

    public BusMetrics(IMeterFactory meters, BusSinks sinks)
    {
        foreach (var name in sinks.Names)
        {
            _sinks[name] = new SinkState();
        }
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("mtc.cloud.bus.published", () => _sinks.SelectMany(s => Outcomes.Select((o, i) =>
                new Measurement<long>(Interlocked.Read(ref s.Value.Published[i]), Tag("bus", s.Key), Tag("status", o)))), "{message}",
            "Broker publish attempts by sink and outcome: sent (acknowledged by the broker), retry (failed, tried again later).");
        meter.CreateObservableGauge("mtc.cloud.bus.queue_depth", () => _sinks.Select(s =>
            new Measurement<long>(Interlocked.Read(ref s.Value.Pending), Tag("bus", s.Key))), "{message}",
            "Messages waiting for a broker sink (fanned out, not acknowledged yet).");
        meter.CreateObservableGauge("mtc.cloud.bus.oldest_age", () => _sinks.Select(s =>
            new Measurement<double>(Volatile.Read(ref s.Value.OldestAge), Tag("bus", s.Key))), "s",
            "Age of the oldest message waiting for a broker sink, from its event's commit; 0 when nothing waits.");
        meter.CreateObservableGauge("mtc.cloud.bus.connected", () => _sinks.Select(s =>
            new Measurement<int>(Volatile.Read(ref s.Value.Connected), Tag("bus", s.Key))), "{connection}",
            "1 while the sink is connected to its broker, else 0.");
    }

    public void Published(string sink, bool sent, int count = 1) =>
        Interlocked.Add(ref State(sink).Published[sent ? 0 : 1], count);

    public void Connected(string sink, bool connected) => Volatile.Write(ref State(sink).Connected, connected ? 1 : 0);

    public void Observe(string sink, long pending, double oldestAgeSeconds)
    {
        var s = State(sink);
        Interlocked.Exchange(ref s.Pending, pending);
        Volatile.Write(ref s.OldestAge, oldestAgeSeconds);
    }

    private SinkState State(string sink) => _sinks.GetOrAdd(sink, _ => new SinkState());

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private sealed class SinkState
    {
        public readonly long[] Published = new long[Outcomes.Length];
        public long Pending;
        public double OldestAge;
        public int Connected;
    }
}
