using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace Mtc.Cloud.Tests.Bus;

/// <summary>
/// A plant system reading the Unified Namespace: a persistent MQTT session (the broker queues QoS 1 messages while it is
/// away and keeps them across the broker's restart) subscribed to a filter, reconnecting on its own; every message kept.
/// </summary>
public sealed class UnsConsumer : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;
    private readonly string _filter;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reconnect;

    /// <summary>A message as received; <see cref="Id"/> is the event id in an event's payload, read once on arrival.</summary>
    public sealed record Message(string Topic, string Payload, bool Retained, long At, string? Id)
    {
        public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
    }

    public ConcurrentQueue<Message> Received { get; } = new();

    public bool IsConnected => _client.IsConnected;

    private UnsConsumer(int port, string filter, string clientId)
    {
        _filter = filter;
        _options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(3600)
            .Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var at = System.Diagnostics.Stopwatch.GetTimestamp();
            var topic = e.ApplicationMessage.Topic;
            var payload = Encoding.UTF8.GetString(e.ApplicationMessage.Payload);
            var id = topic.Contains("/events/", StringComparison.Ordinal) ? JsonDocument.Parse(payload).RootElement.GetProperty("id").GetString() : null;
            Received.Enqueue(new Message(topic, payload, e.ApplicationMessage.Retain, at, id));
            return Task.CompletedTask;
        };
        _reconnect = Task.Run(ReconnectAsync);
    }

    public static async Task<UnsConsumer> StartAsync(int port, string filter = "#", string? clientId = null)
    {
        var c = new UnsConsumer(port, filter, clientId ?? "consumer-" + Guid.NewGuid().ToString("n")[..8]);
        var until = DateTime.UtcNow.AddSeconds(15);
        while (!c._client.IsConnected && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }
        Assert.True(c._client.IsConnected, "the consumer did not connect");
        return c;
    }

    /// <summary>The event messages (not state or the cloud's presence) by the event id in their payload.</summary>
    public IReadOnlyList<(string Id, Message Message)> Events() =>
        Received.Where(m => m.Id is not null).Select(m => (m.Id!, m)).ToList();

    public async Task WaitUntilAsync(Func<UnsConsumer, bool> done, TimeSpan patience, string what)
    {
        var until = DateTime.UtcNow + patience;
        while (!done(this))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"waited {patience} for {what}; received {Received.Count} messages: " +
                    string.Join(", ", Received.Select(m => m.Topic + (m.Retained ? " (retained)" : "") + " " + (m.Payload.Length > 60 ? m.Payload[..60] : m.Payload))));
            }
            await Task.Delay(25);
        }
    }

    private async Task ReconnectAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    var result = await _client.ConnectAsync(_options, _stop.Token);
                    if (!result.IsSessionPresent)
                    {
                        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter(_filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), _stop.Token);
                    }
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // The broker is restarting: try again shortly.
                }
            }
            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reconnect;
        _client.Dispose();
        _stop.Dispose();
    }
}
