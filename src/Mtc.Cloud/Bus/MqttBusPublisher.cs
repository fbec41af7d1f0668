using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Mtc.Cloud.Bus;

/// <summary>
/// The MQTT Unified Namespace: <c>enterprise/site/area/machine/events/type</c> per event and a retained
/// <c>enterprise/site/area/machine/state</c>; the connection's last will marks <c>enterprise/site/_mtc/cloud/clientId</c>
/// <c>offline</c> (retained) when the cloud goes away without saying so, and <c>online</c> is published on connect.
/// </summary>
internal sealed class MqttBusPublisher(IOptions<MqttBusOptions> options, IOptions<BusOptions> bus) : IBusPublisher
{
    private static readonly byte[] Online = "online"u8.ToArray();
    private static readonly byte[] Offline = "offline"u8.ToArray();
    private readonly MqttBusOptions _o = options.Value;
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(bus.Value.TimeoutSeconds);
    private IMqttClient? _client;

    public string Sink => "mqtt";

    public string Target => $"mqtt{(_o.Tls ? "s" : "")}://{_o.Host}:{_o.Port} as {_o.EffectiveClientId}, under {Root}";

    public bool IsConnected => _client?.IsConnected == true;

    public bool PublishesState => true;

    private MqttQualityOfServiceLevel Qos => _o.Qos == 2 ? MqttQualityOfServiceLevel.ExactlyOnce : MqttQualityOfServiceLevel.AtLeastOnce;

    /// <summary><c>enterprise/site/area</c>, each level cleaned like a machine id.</summary>
    public string Root => $"{BusTopics.MqttLevel(_o.Enterprise)}/{BusTopics.MqttLevel(_o.Site)}/{BusTopics.MqttLevel(_o.Area)}";

    public string WillTopic => $"{BusTopics.MqttLevel(_o.Enterprise)}/{BusTopics.MqttLevel(_o.Site)}/_mtc/cloud/{BusTopics.MqttLevel(_o.EffectiveClientId)}";

    public string EventTopic(string? machineId, string type) =>
        $"{Root}/{(machineId is null ? BusTopics.NoMachine : BusTopics.MqttLevel(machineId))}/events/{BusTopics.MqttLevel(type)}";

    public string StateTopic(string machineId) => $"{Root}/{BusTopics.MqttLevel(machineId)}/state";

    public async Task ConnectAsync(CancellationToken ct)
    {
        await ResetAsync().ConfigureAwait(false);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_o.Host, _o.Port)
            .WithClientId(_o.EffectiveClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(_timeout)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithWillTopic(WillTopic)
            .WithWillPayload(Offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (!string.IsNullOrEmpty(_o.Username))
        {
            builder = builder.WithCredentials(_o.Username, _o.Password);
        }
        if (_o.Tls)
        {
            builder = builder.WithTlsOptions(t => t.UseTls());
        }
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            using var timeout = Timeout(ct);
            var result = await client.ConnectAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new BusUnavailableException($"the MQTT broker refused the connection: {result.ResultCode} {result.ReasonString}");
            }
            _client = client;
            await SendAsync(WillTopic, Online, retain: true, ct).ConfigureAwait(false);
        }
        catch
        {
            _client = null;
            client.Dispose();
            throw;
        }
    }

    public async Task ResetAsync()
    {
        var client = Interlocked.Exchange(ref _client, null);
        if (client is null)
        {
            return;
        }
        try
        {
            // A dropped connection (not a clean DISCONNECT) lets the broker publish the last will for the gap.
            client.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
        await Task.Yield();
    }

    public Task PublishAsync(BusDelivery delivery, CancellationToken ct) =>
        SendAsync(EventTopic(delivery.MachineId, delivery.Type), BusMessages.Event(delivery), retain: false, ct);

    public Task PublishStateAsync(string tenant, string machineId, byte[] state, CancellationToken ct) =>
        SendAsync(StateTopic(machineId), state, retain: true, ct);

    /// <summary>Says <c>offline</c> itself on a clean stop (the will covers a crash), then disconnects.</summary>
    public async ValueTask DisposeAsync()
    {
        var client = Interlocked.Exchange(ref _client, null);
        if (client is null)
        {
            return;
        }
        try
        {
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.PublishAsync(Message(WillTopic, Offline, retain: true), timeout.Token).ConfigureAwait(false);
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // Stopping anyway: the will says offline when the connection drops.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task SendAsync(string topic, byte[] payload, bool retain, CancellationToken ct)
    {
        var client = _client ?? throw new BusUnavailableException("not connected to the MQTT broker");
        using var timeout = Timeout(ct);
        var result = await client.PublishAsync(Message(topic, payload, retain), timeout.Token).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new BusRefusedException($"the MQTT broker refused {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private MqttApplicationMessage Message(string topic, byte[] payload, bool retain) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithQualityOfServiceLevel(Qos)
        .WithRetainFlag(retain)
        .WithContentType(ReferenceEquals(payload, Online) || ReferenceEquals(payload, Offline) ? "text/plain" : "application/json")
        .Build();

    private CancellationTokenSource Timeout(CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
        return cts;
    }
}
