using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using MQTTnet;
using Mtc.Core.Json;
using Mtc.Core.Model;
using Mtc.Core.Xml;
using Mtc.Simulator;

namespace Mtc.Edge.Tests.Collectors.Mqtt;

/// <summary>
/// The simulator publishing over MQTT (<c>mtc sim --mqtt</c>) as cppagent's MQTT sink does, through a real mosquitto: its
/// documents have the shape of cppagent's JSON captures and read with Core's reader, and the edge stores every sequence the
/// simulator served (checked against the simulator's own HTTP <c>/sample</c>), each once, without a gap.
/// </summary>
public sealed class SimulatorOverMqttTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SimulatorOptions Options(int brokerPort, string topics = "Documents") => new()
    {
        Port = 0, Generate = 2, Seed = 4, Speed = 100, Mqtt = $"127.0.0.1:{brokerPort}", MqttTopics = topics,
        MqttSampleInterval = TimeSpan.FromMilliseconds(100), MqttCurrentInterval = TimeSpan.FromMinutes(10),
    };

    /// <summary>Every message on the prefix, by topic, in arrival order.</summary>
    private static async Task<(IMqttClient Client, ConcurrentQueue<(string Topic, byte[] Payload)> Messages)> SubscribeAsync(int port)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var messages = new ConcurrentQueue<(string, byte[])>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            messages.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).Build());
        await client.SubscribeAsync("MTConnect/#");
        return (client, messages);
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + MqttEdge.Wait;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(what);
            }
            await Task.Delay(50);
        }
    }

    private static HashSet<string> Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task The_simulator_publishes_documents_in_the_shape_of_cppagents_captures()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var (client, messages) = await SubscribeAsync(broker.Port);
        using var subscriber = client;
        await using var sim = await SimulatorHost.StartAsync(Options(broker.Port));
        await WaitAsync(() => messages.Count(m => m.Topic.StartsWith("MTConnect/Sample/", StringComparison.Ordinal)) >= 4, "samples");

        var capturedDevices = JsonDocument.Parse(File.ReadAllText(Path.Combine(AgentPublisher.JsonData, "devices-v2.json"))).RootElement
            .GetProperty("MTConnectDevices").GetProperty("Devices").GetProperty("Device")[0];
        var capturedStreams = JsonDocument.Parse(File.ReadAllText(Path.Combine(AgentPublisher.JsonData, "streams-v2.json"))).RootElement.GetProperty("MTConnectStreams");
        var machines = messages.Where(m => m.Topic.StartsWith("MTConnect/Probe/", StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement).Where(r => r.TryGetProperty("Device", out _)).ToList();
        Assert.Equal(2, machines.Count);
        foreach (var probe in machines)
        {
            // cppagent's MQTT sink publishes the device entity alone: {"Device": {id, name, uuid, DataItems: {DataItem: [..]}, Components: {<Type>: [..]}}}.
            var device = probe.GetProperty("Device");
            Assert.Superset(new HashSet<string>(["id", "name", "uuid", "DataItems"]), Keys(device));
            Assert.Equal(JsonValueKind.Array, device.GetProperty("DataItems").GetProperty("DataItem").ValueKind);
            Assert.Equal(capturedDevices.GetProperty("DataItems").GetProperty("DataItem").ValueKind, device.GetProperty("DataItems").GetProperty("DataItem").ValueKind);
            Assert.All(device.GetProperty("Components").EnumerateObject(), c => Assert.Equal(JsonValueKind.Array, c.Value.ValueKind));
            Assert.Subset(Keys(capturedDevices.GetProperty("DataItems").GetProperty("DataItem")[0]), Keys(device.GetProperty("DataItems").GetProperty("DataItem")[0]).Intersect(["category", "id", "name", "type"]).ToHashSet());
        }
        foreach (var (topic, payload) in messages.Where(m => m.Topic.StartsWith("MTConnect/Current/", StringComparison.Ordinal) || m.Topic.StartsWith("MTConnect/Sample/", StringComparison.Ordinal)))
        {
            var root = JsonDocument.Parse(payload).RootElement.GetProperty("MTConnectStreams");
            Assert.Subset(Keys(capturedStreams), Keys(root));
            Assert.Subset(Keys(capturedStreams.GetProperty("Header")), Keys(root.GetProperty("Header")));
            var capturedComponent = Keys(capturedStreams.GetProperty("Streams").GetProperty("DeviceStream")[0].GetProperty("ComponentStream")[0])
                .Union(["Samples", "Events", "Condition"]).ToHashSet();
            foreach (var component in root.GetProperty("Streams").GetProperty("DeviceStream")[0].GetProperty("ComponentStream").EnumerateArray())
            {
                Assert.Subset(capturedComponent, Keys(component));
            }
            // And Core's reader reads it: one device stream, the topic's device.
            var doc = Assert.IsType<StreamsDocument>(MtConnectJson.Read(payload));
            Assert.Equal(topic[(topic.LastIndexOf('/') + 1)..], Assert.Single(doc.Streams).Uuid);
        }
    }

    [Fact]
    public async Task The_edge_stores_every_sequence_the_simulator_served_over_mqtt_once_without_a_gap()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var (client, messages) = await SubscribeAsync(broker.Port);
        using var subscriber = client;
        // The edge subscribes first, so its session holds everything from the simulator's first message on.
        await using var edge = await MqttEdge.StartAsync(_dir, broker.Port);
        await edge.WaitForSourceAsync(s => s.GetProperty("state").GetString() == "connected", "the edge subscribed");
        await using var sim = await SimulatorHost.StartAsync(Options(broker.Port));
        await WaitAsync(() => messages.Count(m => m.Topic.StartsWith("MTConnect/Current/", StringComparison.Ordinal)) >= 3, "the currents");
        // Where each device's samples start: its first current's nextSequence.
        var starts = messages.Where(m => m.Topic.StartsWith("MTConnect/Current/", StringComparison.Ordinal))
            .Select(m => (StreamsDocument)MtConnectJson.Read(m.Payload))
            .Where(d => d.Streams.Count == 1)
            .GroupBy(d => d.Streams[0].Name).ToDictionary(g => g.Key, g => g.First().Header.NextSequence!.Value, StringComparer.Ordinal);

        var stored = await edge.WaitForObservationsAsync(s => s.Count >= 400, "400 observations");
        var last = stored.Max(o => o.Sequence);
        var from = starts.Values.Min();
        using var http = new HttpClient { BaseAddress = sim.BaseAddress };
        var served = (StreamsDocument)MtConnectXml.Read(await http.GetByteArrayAsync(
            string.Create(CultureInfo.InvariantCulture, $"sample?from={from}&count={last - from + 1}")));
        var expected = served.Streams.Where(s => starts.ContainsKey(s.Name))
            .SelectMany(s => s.Observations.Where(o => o.Sequence >= starts[s.Name]).Select(o => (s.Name, o.Sequence, o.DataItemId)))
            .Order().ToList();
        var got = stored.Where(o => starts.TryGetValue(o.MachineId, out var start) && o.Sequence >= start && o.Sequence <= last)
            .Select(o => (o.MachineId, o.Sequence, o.DataItemId)).Order().ToList();
        Assert.True(expected.Count > 200, $"only {expected.Count} observations served");
        Assert.Equal(expected, got);
        Assert.Equal(stored.Count, stored.Select(o => (o.InstanceId, o.Sequence)).Distinct().Count());
        // Another device's document of the same interval brought what one device's skipped: after settling, no gap.
        await Task.Delay(Edge.Collectors.Mqtt.MqttCollector.SettleTime + TimeSpan.FromSeconds(0.6));
        Assert.Empty(edge.Records("gap"));
        // The part counts the edge stored are the simulator's.
        var parts = served.Streams.Where(s => starts.ContainsKey(s.Name)).SelectMany(s => s.Observations)
            .Where(o => o.ElementName == "PartCount" && o.Sequence <= last && o.Sequence >= from).Select(o => (o.Sequence, o.Value)).Order().ToList();
        var storedParts = stored.Where(o => parts.Any(p => p.Sequence == o.Sequence)).Select(o => (o.Sequence, o.Value)).Order().ToList();
        Assert.Equal(parts, storedParts);
    }

    [Fact]
    public async Task The_simulator_publishes_entity_messages_in_the_shape_of_cppagents_entity_sink()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var (client, messages) = await SubscribeAsync(broker.Port);
        using var subscriber = client;
        await using var sim = await SimulatorHost.StartAsync(Options(broker.Port, "Entities"));
        await WaitAsync(() => messages.Count(m => m.Topic.StartsWith("MTConnect/Devices/", StringComparison.Ordinal)) >= 200, "observations");

        Assert.Equal(2, messages.Count(m => m.Topic.StartsWith("MTConnect/Probe/", StringComparison.Ordinal)
            && JsonDocument.Parse(m.Payload).RootElement.TryGetProperty("Device", out _)));
        Assert.DoesNotContain(messages, m => m.Topic.StartsWith("MTConnect/Sample/", StringComparison.Ordinal) || m.Topic.StartsWith("MTConnect/Current/", StringComparison.Ordinal));
        var observations = messages.Where(m => m.Topic.StartsWith("MTConnect/Devices/", StringComparison.Ordinal)).ToList();
        long previous = 0;
        var initial = true;
        foreach (var (topic, payload) in observations)
        {
            // MTConnect/Devices/<uuid>/Observations/<dataItemId>, the payload a flat object as the entity sink's README shows.
            var parts = topic.Split('/');
            Assert.Equal(5, parts.Length);
            Assert.Equal("Observations", parts[3]);
            var o = JsonDocument.Parse(payload).RootElement;
            Assert.Equal(parts[4], o.GetProperty("dataItemId").GetString());
            Assert.Superset(new HashSet<string>(["dataItemId", "type", "timestamp", "category", "sequence"]), Keys(o));
            Assert.Contains(o.GetProperty("category").GetString(), new[] { "SAMPLE", "EVENT", "CONDITION" });
            Assert.True(o.TryGetProperty(o.GetProperty("category").GetString() == "CONDITION" ? "level" : "result", out _));
            var sequence = o.GetProperty("sequence").GetInt64();
            // Sequence order across devices; the initial values are sparse, the live ones consecutive.
            Assert.True(sequence > previous, $"{sequence} after {previous}");
            initial &= sequence != previous + 1 || previous == 0;
            previous = sequence;
        }
        Assert.False(initial, "no consecutive live observations");
    }

    [Fact]
    public async Task The_edge_stores_every_sequence_the_simulator_served_as_entity_messages_once_without_a_gap()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var (client, messages) = await SubscribeAsync(broker.Port);
        using var subscriber = client;
        await using var edge = await MqttEdge.StartAsync(_dir, broker.Port, topics: "Entities");
        await edge.WaitForSourceAsync(s => s.GetProperty("state").GetString() == "connected", "the edge subscribed");
        await using var sim = await SimulatorHost.StartAsync(Options(broker.Port, "Entities"));
        var stored = await edge.WaitForObservationsAsync(s => s.Count >= 400, "400 observations");
        var last = stored.Max(o => o.Sequence);
        // The simulator publishes the initial values (sparse: the latest of each data item) and then every sequence: from where
        // its messages run without a skip to the end, it published, and so served, every sequence.
        var sequences = messages.Where(m => m.Topic.StartsWith("MTConnect/Devices/", StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("sequence").GetInt64()).ToList();
        var start = sequences.Count - 1;
        while (start > 0 && sequences[start - 1] == sequences[start] - 1)
        {
            start--;
        }
        var from = sequences[start];
        Assert.True(from < last - 200, $"the run without a skip starts at {from}, the edge stored up to {last}");
        using var http = new HttpClient { BaseAddress = sim.BaseAddress };
        var served = (StreamsDocument)MtConnectXml.Read(await http.GetByteArrayAsync(
            string.Create(CultureInfo.InvariantCulture, $"sample?from={from}&count={last - from + 1}")));
        var machines = stored.Select(o => o.MachineId).ToHashSet(StringComparer.Ordinal);
        var expected = served.Streams.Where(s => machines.Contains(s.Name))
            .SelectMany(s => s.Observations.Select(o => (s.Name, o.Sequence, o.DataItemId, o.Value))).Order().ToList();
        var got = stored.Where(o => o.Sequence >= from && o.Sequence <= last).Select(o => (o.MachineId, o.Sequence, o.DataItemId, o.Value)).Order().ToList();
        Assert.Equal(2, machines.Count);
        Assert.True(expected.Count > 200, $"only {expected.Count} observations served");
        Assert.Equal(expected, got);
        Assert.Equal(stored.Count, stored.Select(o => (o.InstanceId, o.Sequence)).Distinct().Count());
        await Task.Delay(Edge.Collectors.Mqtt.MqttCollector.SettleTime + TimeSpan.FromSeconds(0.6));
        // The only gaps are between the sparse initial values (what the agent overwrote before the edge subscribed); none
        // reaches into the live messages.
        Assert.All(edge.Records("gap"), g => Assert.True(g.GetProperty("toSequence").GetInt64() < from, g.ToString()));
    }
}
