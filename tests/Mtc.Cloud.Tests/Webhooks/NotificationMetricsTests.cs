using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Webhooks;

/// <summary>The meter Mtc.Cloud.Notifications reports queue depth and age, and delivery attempts by outcome.</summary>
public sealed class NotificationMetricsTests() : ApiTestBase(new SqliteBackend())
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cloud:Webhooks:AllowPrivateNetworks"] = "true",
        ["Cloud:Webhooks:RetryBaseSeconds"] = "0.05",
        ["Cloud:Webhooks:RetryMaxSeconds"] = "0.1",
        ["Cloud:Worker:PollIntervalSeconds"] = "0.05",
    };

    [Fact]
    public async Task Deliveries_are_counted_by_status_and_the_queue_is_observed()
    {
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var gauges = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var meter = Factory.Services.GetRequiredService<Mtc.Cloud.Notifications.NotificationMetrics>().Meter;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this host's meter: other test classes' hosts run their own workers in this process.
            if (instrument.Meter.Name == "Mtc.Cloud.Notifications" && instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "mtc.cloud.deliveries")
            {
                var status = tags.ToArray().Single(t => t.Key == "status").Value as string;
                counts[status!] = value; // an observable counter reports its running total
            }
            else
            {
                gauges[instrument.Name] = value;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => gauges[instrument.Name] = value);
        listener.Start();

        await using var receiver = await WebhookReceiver.StartAsync();
        var down = true;
        receiver.Answer = _ => Volatile.Read(ref down) ? 503 : 200;
        await Webhooks.SubscribeAsync(Admin, receiver.Url("/m"), "*");
        await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-1", "s1", 1, 4));
        await Task.Delay(2500); // the worker reads the queue every 2 s
        listener.RecordObservableInstruments();
        Assert.Equal(4, gauges["mtc.cloud.worker.queue_depth"]);
        Assert.InRange(gauges["mtc.cloud.worker.oldest_age"], 0.5, 60);

        Volatile.Write(ref down, false);
        await receiver.WaitUntilAsync(r => r.DeliveredIds.Count == 4, TimeSpan.FromSeconds(30), "four events");
        await Task.Delay(2500);
        listener.RecordObservableInstruments();
        Assert.Equal(4, counts.GetValueOrDefault("sent"));
        Assert.Equal(receiver.Received.Count(r => r.Answered == 503), counts.GetValueOrDefault("retry"));
        Assert.True(counts.GetValueOrDefault("retry") >= 4);
        Assert.Equal(0, counts["err"]); // every outcome is exported, at 0 until it happens
        Assert.Equal(0, gauges["mtc.cloud.worker.queue_depth"]);
        Assert.Equal(0, gauges["mtc.cloud.worker.oldest_age"]);
    }
}
