using System.Globalization;

namespace Mtc.Edge.Tests.Collectors.Mqtt;

/// <summary>
/// Messages a real agent, or a broken one, can publish that the happy path does not: cppagent's entity payloads (no
/// instanceId), entity payloads without a sequence, and documents whose sequences are missing or not numbers, malformed or
/// too large. Through a real mosquitto, the edge stays connected, stores every valid observation once, drops and counts
/// the rest, and records the sequences it dropped as a gap.
/// </summary>
public sealed class MqttMessageEdgeCaseTests : IDisposable
{
    private const string Mazak = "mazak-vtc-200";
    private static readonly TimeSpan Settle = Edge.Collectors.Mqtt.MqttCollector.SettleTime + TimeSpan.FromSeconds(0.6);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Capture(string name) => File.ReadAllText(Path.Combine(AgentPublisher.JsonData, name));

    private static string Topic(string dataItemId) => $"MTConnect/Devices/{Mazak}/Observations/{dataItemId}";

    /// <summary>An observation as cppagent's entity sink formats it (no instanceId); <paramref name="sequence"/> null leaves it out.</summary>
    private static string Entity(string id, string type, string category, string result, long? sequence) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{{\"dataItemId\":\"{id}\",\"type\":\"{type}\",\"timestamp\":\"2024-03-05T14:22:10.{sequence ?? 0:000000}Z\",\"category\":\"{category}\",\"result\":\"{result}\"")
        + (sequence is { } s ? string.Create(CultureInfo.InvariantCulture, $",\"sequence\":{s}") : "") + "}";

    [Fact]
    public async Task Entity_messages_without_instanceId_or_sequence_are_stored_once_and_malformed_ones_are_dropped_and_counted()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        await agent.ProbeAsync(Mazak, Capture("devices-v2.json"));
        await using var edge = await MqttEdge.StartAsync(_dir, broker.Port, maxDocumentBytes: 64 * 1024, topics: "Entities");
        await edge.WaitForSourceAsync(s => s.GetProperty("state").GetString() == "connected", "the edge subscribed");

        await agent.PublishAsync(Topic("pcount"), Entity("pcount", "PART_COUNT", "EVENT", "0", 10));
        await agent.PublishAsync(Topic("Xact"), Entity("Xact", "POSITION", "SAMPLE", "1.5", 11));
        await agent.PublishAsync(Topic("Xact"), Entity("Xact", "POSITION", "SAMPLE", "1.5", 11)); // a QoS 1 redelivery
        // No sequence: each is given the device's next one.
        await agent.PublishAsync(Topic("exec"), Entity("exec", "EXECUTION", "EVENT", "ACTIVE", null));
        await agent.PublishAsync(Topic("msg"), Entity("msg", "MESSAGE", "EVENT", "door open", null));
        // Malformed, each alone on a topic the edge reads.
        await agent.PublishAsync(Topic("pcount"), "this is not JSON");
        await agent.PublishAsync(Topic("pcount"), "[1,2,3]");
        await agent.PublishAsync(Topic("pcount"), """{"dataItemId":"pcount","type":"PART_COUNT","category":"EVENT","result":"5","sequence":14}""");
        await agent.PublishAsync(Topic("pcount"), """{"dataItemId":"pcount","type":"PART_COUNT","category":"EVENT","timestamp":"2024-03-05T14:22:11Z","result":"5","sequence":"fourteen"}""");
        await agent.PublishAsync(Topic("pcount"), """{"dataItemId":"pcount","type":"PART_COUNT","category":"STATUS","timestamp":"2024-03-05T14:22:11Z","result":"5","sequence":14}""");
        await agent.PublishAsync(Topic("nope"), """{"dataItemId":"nope","timestamp":"2024-03-05T14:22:11Z","result":"5","sequence":14}""");
        await agent.PublishAsync(Topic("msg"), Entity("msg", "MESSAGE", "EVENT", new string('x', 70 * 1024), 14));
        await agent.PublishAsync(Topic("pcount"), Entity("pcount", "PART_COUNT", "EVENT", "1", 14));

        var stored = await edge.WaitForObservationsAsync(s => s.Any(o => o.Sequence == 14), "the valid message after the malformed ones");
        Assert.Equal(
            [("0", 10L, "pcount", "0"), ("0", 11, "Xact", "1.5"), ("0", 12, "exec", "ACTIVE"), ("0", 13, "msg", "door open"), ("0", 14, "pcount", "1")],
            stored.Select(o => (o.InstanceId, o.Sequence, o.DataItemId, o.Value)).OrderBy(o => o.Sequence));
        Assert.All(stored, o => Assert.Equal("Mazak", o.MachineId));
        var source = await edge.SourceAsync();
        Assert.Equal(7, source.GetProperty("malformedLines").GetInt64());
        Assert.Equal(5, source.GetProperty("observations").GetInt64());
        Assert.Equal("connected", source.GetProperty("state").GetString());
        await Task.Delay(Settle);
        Assert.Empty(edge.Records("gap"));
    }

    [Fact]
    public async Task An_agent_restart_without_instanceId_is_told_by_its_sequence_going_back_with_newer_timestamps()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        await agent.ProbeAsync(Mazak, Capture("devices-v2.json"));
        await using var edge = await MqttEdge.StartAsync(_dir, broker.Port, topics: "Entities");
        await edge.WaitForSourceAsync(s => s.GetProperty("state").GetString() == "connected", "the edge subscribed");
        for (var s = 1L; s <= 5; s++)
        {
            await agent.PublishAsync(Topic("pcount"), Entity("pcount", "PART_COUNT", "EVENT", $"{s}", s));
        }
        await edge.WaitForObservationsAsync(s => s.Count == 5, "the first run");
        // The entity sink connects again (a broker outage): the latest value again, and a QoS 1 redelivery. Not new.
        await agent.PublishAsync(Topic("pcount"), Entity("pcount", "PART_COUNT", "EVENT", "5", 5));
        await agent.PublishAsync(Topic("pcount"), Entity("pcount", "PART_COUNT", "EVENT", "3", 3));
        // The agent restarts: its sequence starts over at 1, an hour later.
        for (var s = 1L; s <= 3; s++)
        {
            await agent.PublishAsync(Topic("pcount"), string.Create(CultureInfo.InvariantCulture,
                $"{{\"dataItemId\":\"pcount\",\"type\":\"PART_COUNT\",\"timestamp\":\"2024-03-05T15:22:10.{s:000000}Z\",\"category\":\"EVENT\",\"result\":\"{10 + s}\",\"sequence\":{s}}}"));
        }
        var stored = await edge.WaitForObservationsAsync(s => s.Count(o => o.InstanceId != "0") == 3, "the new run");
        Assert.Equal([("0", 1L, "1"), ("0", 2, "2"), ("0", 3, "3"), ("0", 4, "4"), ("0", 5, "5"), ("0~1", 1, "11"), ("0~1", 2, "12"), ("0~1", 3, "13")],
            stored.Select(o => (o.InstanceId, o.Sequence, o.Value)).Order());
        var gap = Assert.Single(edge.Records("gap"));
        Assert.Equal("0", gap.GetProperty("instanceId").GetString());
        Assert.Equal(6, gap.GetProperty("fromSequence").GetInt64());
        Assert.Contains("went back from 6 to 1", gap.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("0~1", (await edge.SourceAsync()).GetProperty("instanceId").GetString());
    }

    /// <summary>
    /// Regression: a restarted edge gets the messages its session kept at the broker before the retained probe its
    /// subscription brings; it held only the last 1000 messages per device until the probe came and dropped the rest.
    /// </summary>
    [Fact]
    public async Task A_restarted_edge_stores_a_backlog_of_entity_messages_that_arrives_before_the_retained_probe()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        await agent.ProbeAsync(Mazak, Capture("devices-v2.json"));
        var edge = await MqttEdge.StartAsync(_dir, broker.Port, topics: "Entities");
        try
        {
            // Published once the edge subscribed: a message the broker gets before it is kept for no one.
            await edge.WaitForSourceAsync(s => s.GetProperty("state").GetString() == "connected", "the edge subscribed");
            await agent.PublishAsync(Topic("pcount"), Entity("pcount", "PART_COUNT", "EVENT", "0", 1));
            await edge.WaitForObservationsAsync(s => s.Count == 1, "the first observation");
            await edge.StopAsync();
            const int Backlog = 3000;
            for (var s = 2L; s < 2 + Backlog; s++)
            {
                await agent.PublishAsync(Topic("Xact"), Entity("Xact", "POSITION", "SAMPLE", s.ToString(CultureInfo.InvariantCulture), s));
            }
            await edge.DisposeAsync();
            edge = await MqttEdge.StartAsync(_dir, broker.Port, topics: "Entities");
            var stored = await edge.WaitForObservationsAsync(s => s.Any(o => o.Sequence == 1 + Backlog), "the backlog");
            Assert.Equal(Enumerable.Range(1, 1 + Backlog).Select(i => (long)i), stored.Select(o => o.Sequence).Order());
            Assert.Equal(0, (await edge.SourceAsync()).GetProperty("malformedLines").GetInt64());
            await Task.Delay(Settle);
            Assert.Empty(edge.Records("gap"));
        }
        finally
        {
            await edge.DisposeAsync();
        }
    }

    [Fact]
    public async Task Documents_with_a_missing_or_non_numeric_sequence_malformed_or_too_large_are_dropped_counted_and_their_sequences_are_a_gap()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        await agent.ProbeAsync(Mazak, Capture("devices-v2.json"));
        await agent.CurrentAsync(Mazak, Doc(11, (10, "pcount", "0")));
        await using var edge = await MqttEdge.StartAsync(_dir, broker.Port, maxDocumentBytes: 64 * 1024);
        await edge.WaitForObservationsAsync(s => s.Count == 1, "the current");

        await agent.SampleAsync(Mazak, Doc(13, (11, "Xact", "1"), (12, "pcount", "1")));
        // The agent's document of 13 and 14, in four broken forms: none can be stored.
        var lost = Doc(15, (13, "Xact", "2"), (14, "pcount", "2"));
        await agent.SampleAsync(Mazak, lost.Replace("\"sequence\":14,", "", StringComparison.Ordinal));
        await agent.SampleAsync(Mazak, lost.Replace("\"sequence\":13", "\"sequence\":\"thirteen\"", StringComparison.Ordinal));
        await agent.SampleAsync(Mazak, lost[..(lost.Length / 2)]);
        await agent.SampleAsync(Mazak, Doc(15, (13, "Xact", "2"), (14, "pcount", new string('9', 70 * 1024))));
        await agent.SampleAsync(Mazak, Doc(17, (15, "Xact", "3"), (16, "pcount", "3")));

        var stored = await edge.WaitForObservationsAsync(s => s.Any(o => o.Sequence == 16), "the valid sample after the broken ones");
        Assert.Equal([10L, 11, 12, 15, 16], stored.Select(o => o.Sequence).Order());
        Assert.Equal("3", stored.Single(o => o.Sequence == 16).Value);
        var source = await edge.SourceAsync();
        Assert.Equal(4, source.GetProperty("malformedLines").GetInt64());
        Assert.Equal("connected", source.GetProperty("state").GetString());
        // What the dropped documents carried is not stored: a gap of exactly those sequences, once settled.
        var gap = Assert.Single(await edge.WaitForRecordsAsync("gap", 1));
        Assert.Equal((2L, 13L, 14L, "500", "Mazak"), (gap.GetProperty("missed").GetInt64(), gap.GetProperty("fromSequence").GetInt64(),
            gap.GetProperty("toSequence").GetInt64(), gap.GetProperty("instanceId").GetString(), gap.GetProperty("machineId").GetString()));
        await Task.Delay(Settle);
        Assert.Single(edge.Records("gap"));
    }

    private static string Doc(long next, params (long, string, string)[] observations) =>
        AgentPublisher.Streams(500, 1, next, Mazak, "Mazak", observations);
}
