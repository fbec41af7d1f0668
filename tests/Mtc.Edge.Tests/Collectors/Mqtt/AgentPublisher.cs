using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Mtc.Edge.Tests.Collectors.Mqtt;

/// <summary>
/// Publishes what an agent's MQTT sink publishes, in cppagent's layout (<c>Mqtt2Service</c>): <c>MTConnect/Probe/&lt;uuid&gt;</c>
/// and <c>MTConnect/Current/&lt;uuid&gt;</c> retained, <c>MTConnect/Sample/&lt;uuid&gt;</c> per interval, JSON v2 documents, QoS 1.
/// </summary>
internal sealed class AgentPublisher : IAsyncDisposable
{
    public static readonly string JsonData = Path.Combine(AppContext.BaseDirectory, "TestData", "json");
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly int _port;

    private AgentPublisher(int port)
    {
        _port = port;
    }

    public static async Task<AgentPublisher> ConnectAsync(int port)
    {
        var p = new AgentPublisher(port);
        await p.ReconnectAsync();
        return p;
    }

    public async Task ReconnectAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId("agent-" + Guid.NewGuid().ToString("N")).Build();
        await _client.ConnectAsync(options);
    }

    public Task PublishAsync(string topic, string payload, bool retain = false) => PublishAsync(topic, Encoding.UTF8.GetBytes(payload), retain);

    public async Task PublishAsync(string topic, byte[] payload, bool retain = false)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build();
        await _client.PublishAsync(message);
    }

    public Task ProbeAsync(string uuid, string json) => PublishAsync($"MTConnect/Probe/{uuid}", json, retain: true);

    public Task CurrentAsync(string uuid, string json) => PublishAsync($"MTConnect/Current/{uuid}", json, retain: true);

    public Task SampleAsync(string uuid, string json) => PublishAsync($"MTConnect/Sample/{uuid}", json);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }
        _client.Dispose();
    }

    /// <summary>
    /// A JSON v2 streams document of one device (cppagent's <c>printSample</c> shape: the header with instanceId, buffer and
    /// sequences; per component its Samples and Events keyed by element name) with <paramref name="observations"/>:
    /// (sequence, dataItemId, value), Xact a Position sample, the others Execution, PartCount or Program events.
    /// </summary>
    public static string Streams(long instanceId, long firstSequence, long nextSequence, string uuid, string name,
        IEnumerable<(long Sequence, string Id, string Value)> observations)
    {
        var list = observations.ToList();
        var last = nextSequence - 1;
        string Items(Func<string, bool> which, Func<string, string> element) =>
            string.Join(",", list.Where(o => which(o.Id)).GroupBy(o => element(o.Id)).Select(g => $"\"{g.Key}\":[" + string.Join(",", g.Select(o =>
                string.Create(CultureInfo.InvariantCulture,
                    $"{{\"dataItemId\":\"{o.Id}\",\"timestamp\":\"2024-03-05T14:{o.Sequence / 60 % 60:00}:{o.Sequence % 60:00}.000000Z\",\"sequence\":{o.Sequence},\"value\":\"{o.Value}\"}}"))) + "]"));
        static string Event(string id) => id switch
        {
            "exec" => "Execution",
            "pcount" => "PartCount",
            "program" => "Program",
            "avail" => "Availability",
            _ => "Message",
        };
        var samples = Items(id => id == "Xact", _ => "Position");
        var events = Items(id => id != "Xact", Event);
        var components = new List<string>();
        if (events.Length > 0)
        {
            components.Add($"{{\"component\":\"Device\",\"componentId\":\"d1\",\"name\":\"{name}\",\"Events\":{{{events}}}}}");
        }
        if (samples.Length > 0)
        {
            components.Add($"{{\"component\":\"Linear\",\"componentId\":\"x\",\"name\":\"X\",\"Samples\":{{{samples}}}}}");
        }
        var header = string.Create(CultureInfo.InvariantCulture,
            $"\"Header\":{{\"version\":\"2.2.0.17\",\"creationTime\":\"2024-03-05T14:22:10Z\",\"instanceId\":{instanceId},\"sender\":\"mqtt-test\",\"bufferSize\":131072,\"nextSequence\":{nextSequence},\"lastSequence\":{last},\"firstSequence\":{firstSequence}}}");
        return "{\"MTConnectStreams\":{\"jsonVersion\":2,\"schemaVersion\":\"2.2\"," + header
            + ",\"Streams\":{\"DeviceStream\":[{\"name\":\"" + name + "\",\"uuid\":\"" + uuid + "\",\"ComponentStream\":[" + string.Join(",", components) + "]}]}}}";
    }
}
