using System.Text.Json;

namespace Mtc.Edge.Tests.Collectors.Mqtt;

/// <summary>
/// The edge reading an agent's MQTT output from a real mosquitto: real cppagent JSON captures and documents in cppagent's
/// MQTT sink layout; what reaches the outbox (values, instances, sequences, gaps) and what /api/status reports.
/// </summary>
public sealed class MqttCollectorTests : IDisposable
{
    private const string Mazak = "mazak-vtc-200";
    private const string Okuma = "okuma-lb3000";
    private static readonly TimeSpan MqttCollectorSettle = Edge.Collectors.Mqtt.MqttCollector.SettleTime + TimeSpan.FromSeconds(0.6);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Capture(string name) => File.ReadAllText(Path.Combine(AgentPublisher.JsonData, name));

    private static string Doc(long instance, long next, string uuid, params (long, string, string)[] observations) =>
        AgentPublisher.Streams(instance, 1, next, uuid, uuid == Mazak ? "Mazak" : "Okuma", observations);

    private static IEnumerable<long> Sequences(IEnumerable<MqttEdge.StoredObservation> stored, string instance, string machine = "Mazak") =>
        stored.Where(o => o.InstanceId == instance && o.MachineId == machine).Select(o => o.Sequence).Order();

    private static void AssertNoDuplicates(List<MqttEdge.StoredObservation> stored)
    {
        var twice = stored.GroupBy(o => (o.InstanceId, o.Sequence)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "stored twice: " + string.Join(", ", twice));
    }

    [Fact]
    public async Task Real_cppagent_probe_and_current_captures_reach_the_outbox_and_a_redelivered_sample_is_stored_once()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        var probe = Capture("devices-v2.json");
        var current = Capture("streams-v2.json");
        foreach (var uuid in new[] { Mazak, Okuma })
        {
            await agent.ProbeAsync(uuid, probe);
            await agent.CurrentAsync(uuid, current);
        }
        await using var edge = await MqttEdge.StartAsync(_dir, broker.Port);
        var stored = await edge.WaitForObservationsAsync(s => s.Count >= 17, "the two devices' current");
        Assert.Equal([3L, 12, 14, 2050, 2060, 2065, 2066, 2067, 2068, 2069, 2070, 2071, 2072, 2075, 2076], Sequences(stored, "1709648000"));
        Assert.Equal([20L, 1500], Sequences(stored, "1709648000", "Okuma"));
        Assert.Equal("41", stored.Single(o => o.DataItemId == "pcount").Value);
        Assert.Equal("AVAILABLE", stored.Single(o => o.DataItemId == "avail").Value);
        Assert.Equal(["Mazak", "Okuma"], edge.Records("deviceModel").Select(m => m.GetProperty("machineId").GetString()).Order());

        // A Sample that repeats the current's last sequence, then the same message again (a QoS 1 redelivery).
        var sample = Doc(1709648000, 2084, Mazak, (2076, "Xact", "9"), (2081, "Xact", "1.5"), (2083, "pcount", "42"));
        await agent.SampleAsync(Mazak, sample);
        await agent.SampleAsync(Mazak, sample);
        await agent.SampleAsync(Mazak, Doc(1709648000, 2085, Mazak, (2084, "Xact", "2.5")));
        stored = await edge.WaitForObservationsAsync(s => s.Any(o => o.Sequence == 2084), "the samples");
        AssertNoDuplicates(stored);
        Assert.Equal(20, stored.Count);
        Assert.Equal("42", stored.Single(o => o.Sequence == 2083).Value);
        await Task.Delay(MqttCollectorSettle);
        Assert.Empty(edge.Records("gap"));
        var source = await edge.SourceAsync();
        Assert.Equal("mqtt", source.GetProperty("kind").GetString());
        Assert.Equal($"mqtt://127.0.0.1:{broker.Port}/MTConnect", source.GetProperty("address").GetString());
        Assert.Equal(20, source.GetProperty("observations").GetInt64());
    }

    [Fact]
    public async Task Skipped_sequences_and_a_new_instanceId_are_gaps_and_a_restarted_edge_gets_what_was_published_while_it_was_down()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        await agent.ProbeAsync(Mazak, Capture("devices-v2.json"));
        await agent.CurrentAsync(Mazak, Doc(100, 11, Mazak, (5, "exec", "READY"), (10, "pcount", "0")));
        var edge = await MqttEdge.StartAsync(_dir, broker.Port);
        try
        {
            await edge.WaitForObservationsAsync(s => s.Count == 2, "the current");
            await agent.SampleAsync(Mazak, Doc(100, 15, Mazak, (11, "exec", "ACTIVE"), (12, "Xact", "1"), (13, "Xact", "2"), (14, "pcount", "1")));
            // 15..19 never arrive.
            await agent.SampleAsync(Mazak, Doc(100, 22, Mazak, (20, "Xact", "3"), (21, "pcount", "2")));
            // 22 never arrives; 23 is Okuma's (another device of the same agent): not a loss.
            await agent.SampleAsync(Okuma, Doc(100, 24, Okuma, (23, "avail", "AVAILABLE")));
            await agent.SampleAsync(Mazak, Doc(100, 26, Mazak, (24, "Xact", "4"), (25, "pcount", "3")));
            // The agent restarts: a new instance, its sequence from 1.
            await agent.CurrentAsync(Mazak, Doc(200, 4, Mazak, (2, "exec", "READY"), (3, "pcount", "3")));
            await agent.SampleAsync(Mazak, Doc(200, 6, Mazak, (4, "exec", "ACTIVE"), (5, "Xact", "7")));
            var stored = await edge.WaitForObservationsAsync(s => s.Any(o => o.InstanceId == "200" && o.Sequence == 5), "the new instance");
            Assert.Equal([5L, 10, 11, 12, 13, 14, 20, 21, 24, 25], Sequences(stored, "100"));
            Assert.Equal([2L, 3, 4, 5], Sequences(stored, "200"));
            Assert.Equal([23L], Sequences(stored, "100", "Okuma"));
            var gaps = edge.Records("gap");
            Assert.Equal(3, gaps.Count);
            Assert.Equal((5, 15, 19, "100"), Gap(gaps[0]));
            Assert.Equal((1, 22, 22, "100"), Gap(gaps[1]));
            Assert.Equal("Mazak", gaps[0].GetProperty("machineId").GetString());
            Assert.Equal("100", gaps[2].GetProperty("instanceId").GetString());
            Assert.Equal(26, gaps[2].GetProperty("fromSequence").GetInt64());
            Assert.Contains("agent restarted: instanceId 100 -> 200", gaps[2].GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(3, (await edge.SourceAsync()).GetProperty("gaps").GetInt64());

            // The edge stops; the agent publishes on; the broker keeps it for the edge's session.
            await edge.StopAsync();
            await agent.SampleAsync(Mazak, Doc(200, 9, Mazak, (6, "Xact", "8"), (7, "pcount", "4"), (8, "exec", "READY")));
            await agent.SampleAsync(Mazak, Doc(200, 9, Mazak, (7, "pcount", "4"), (8, "exec", "READY"))); // re-sent
            await edge.DisposeAsync();
            edge = await MqttEdge.StartAsync(_dir, broker.Port);
            stored = await edge.WaitForObservationsAsync(s => s.Any(o => o.InstanceId == "200" && o.Sequence == 8), "what was published while the edge was down");
            // The retained current came again on the new subscription: nothing of it stored twice.
            await Task.Delay(300);
            stored = edge.Observations();
            AssertNoDuplicates(stored);
            Assert.Equal([2L, 3, 4, 5, 6, 7, 8], Sequences(stored, "200"));
            Assert.Equal(3, edge.Records("gap").Count);
        }
        finally
        {
            await edge.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_killed_broker_is_reconnected_nothing_it_delivered_is_lost_and_what_it_never_delivered_is_a_gap()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        var probe = Capture("devices-v2.json");
        await agent.ProbeAsync(Mazak, probe);
        await agent.CurrentAsync(Mazak, Doc(300, 11, Mazak, (10, "pcount", "0")));
        await using var edge = await MqttEdge.StartAsync(_dir, broker.Port);
        await edge.WaitForObservationsAsync(s => s.Count == 1, "the current");
        await agent.SampleAsync(Mazak, Doc(300, 16, Mazak, [.. Enumerable.Range(11, 5).Select(i => ((long)i, "Xact", $"{i}"))]));
        await agent.SampleAsync(Mazak, Doc(300, 21, Mazak, [.. Enumerable.Range(16, 5).Select(i => ((long)i, "Xact", $"{i}"))]));
        await edge.WaitForObservationsAsync(s => s.Count == 11, "the samples");

        broker.Kill();
        await edge.WaitForSourceAsync(s => s.GetProperty("state").GetString() != "connected" && s.GetProperty("lastError").GetString() is not null,
            "the source reconnecting");
        // 21..30 are published while the broker is down: nobody ever receives them.
        await broker.RestartAsync();
        await edge.WaitForSourceAsync(s => s.GetProperty("state").GetString() == "connected", "the source connected again");
        await agent.ReconnectAsync();
        // As cppagent's sink does on its reconnect: the probe and current again, then samples.
        await agent.ProbeAsync(Mazak, probe);
        await agent.CurrentAsync(Mazak, Doc(300, 31, Mazak, (10, "pcount", "0"), (30, "Xact", "30")));
        await agent.SampleAsync(Mazak, Doc(300, 33, Mazak, (31, "Xact", "31"), (32, "pcount", "1")));
        var stored = await edge.WaitForObservationsAsync(s => s.Any(o => o.Sequence == 32), "the samples after the restart");
        AssertNoDuplicates(stored);
        Assert.Equal([10L, .. Enumerable.Range(11, 10).Select(i => (long)i), 31, 32], Sequences(stored, "300"));
        // A skip waits for another device's document to bring the sequences before it is a gap.
        var gap = Assert.Single(await edge.WaitForRecordsAsync("gap", 1));
        Assert.Equal((10, 21, 30, "300"), Gap(gap));
    }

    [Fact]
    public async Task Hostile_payloads_are_logged_and_dropped_while_good_data_goes_on()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        await agent.ProbeAsync(Mazak, Capture("devices-v2.json"));
        await agent.CurrentAsync(Mazak, Doc(400, 11, Mazak, (10, "pcount", "0")));
        await using var edge = await MqttEdge.StartAsync(_dir, broker.Port, maxDocumentBytes: 64 * 1024);
        await edge.WaitForObservationsAsync(s => s.Count == 1, "the current");

        await agent.SampleAsync(Mazak, "this is not an MTConnect document");
        await agent.SampleAsync(Mazak, "{\"MTConnectStreams\":{\"jsonVersion\":2,\"Header\":{\"instanceId\":400,\"nextSeq");
        await agent.SampleAsync(Mazak, "{\"MTConnectStreams\":\"" + new string('x', 200 * 1024) + "\"}");
        await agent.SampleAsync(Mazak, new string('[', 10_000) + new string(']', 10_000));
        await agent.ProbeAsync(Okuma, "{\"Device\":" + new string('[', 5_000) + new string(']', 5_000) + "}");
        await agent.PublishAsync($"MTConnect/Sample/{Mazak}", Capture("errors-v1.json"));
        await agent.SampleAsync(Mazak, Doc(400, 13, Mazak, (11, "Xact", "1"), (12, "pcount", "1")));

        var stored = await edge.WaitForObservationsAsync(s => s.Any(o => o.Sequence == 12), "the good sample after the bad ones");
        Assert.Equal([10L, 11, 12], Sequences(stored, "400"));
        var source = await edge.SourceAsync();
        Assert.Equal(6, source.GetProperty("malformedLines").GetInt64());
        Assert.Equal("connected", source.GetProperty("state").GetString());
        Assert.Empty(edge.Records("gap"));
    }

    private static (long Missed, long From, long To, string Instance) Gap(JsonElement g) =>
        (g.GetProperty("missed").GetInt64(), g.GetProperty("fromSequence").GetInt64(), g.GetProperty("toSequence").GetInt64(),
            g.GetProperty("instanceId").GetString()!);
}
