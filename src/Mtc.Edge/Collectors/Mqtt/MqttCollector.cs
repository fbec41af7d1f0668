using System.Globalization;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using Mtc.Core;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;

namespace Mtc.Edge.Collectors.Mqtt;

/// <summary>
/// Collects the MTConnect agents that publish to one MQTT broker, in the layout of cppagent's MQTT sink (<c>Mqtt2Service</c>):
/// a retained Probe (device model) and Current (snapshot) per device, and a Sample document per device with what is new.
/// The edge subscribes at QoS 1 with a session the broker keeps (clean session off, a fixed client id), so what is published
/// while the edge is away or restarting waits at the broker; a message is acknowledged only once its observations and the
/// device's cursor are committed to the outbox, so a crash before that has the broker deliver it again.
/// Observations are deduplicated by (instanceId, sequence) per device; a new instanceId and sequences that never arrived
/// are gap records, as for an HTTP agent.
/// </summary>
internal sealed partial class MqttCollector(
    MqttSourceOptions options, string clientId, OutboxStore outbox, EdgeState state, EdgeMetrics metrics, TimeProvider time,
    ILogger log, ParserLimits limits)
{
    private readonly SourceState _source = state.Source(SourceKey(options), "mqtt", Address(options));
    private readonly ReconnectPolicy _reconnect = new(time);
    /// <summary>
    /// How long sequences a device's Sample skipped may wait for another device's document to bring them before they are a
    /// gap: cppagent publishes every device's Sample on the same interval (500 ms by default), each in its own message.
    /// </summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private TaskCompletionSource<string>? _lost;

    // A message could not be committed: the devices' cursors and analyzers in memory may be ahead of the outbox. They are
    // read again from the outbox at the next connect (the retained probes come again with the subscription).
    private volatile bool _reload;

    public string Key => _source.Key;

    public static string SourceKey(MqttSourceOptions o) =>
        string.Create(CultureInfo.InvariantCulture, $"mqtt:{o.Host.ToLowerInvariant()}:{o.Port}/{o.TopicPrefix}");

    public static string Address(MqttSourceOptions o) =>
        string.Create(CultureInfo.InvariantCulture, $"{(o.Tls ? "mqtts" : "mqtt")}://{o.Host}:{o.Port}/{o.TopicPrefix}");

    public async Task RunAsync(CancellationToken ct)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                Volatile.Read(ref _lost)?.TrySetResult(e.Exception?.Message ?? $"the broker closed the connection ({e.Reason})");
            }
            return Task.CompletedTask;
        };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _lost, lost);
                await ConnectAsync(client, ct).ConfigureAwait(false);
                while (!lost.Task.IsCompleted)
                {
                    await Task.WhenAny(lost.Task, Task.Delay(TimeSpan.FromMilliseconds(500), time, ct)).ConfigureAwait(false);
                    ct.ThrowIfCancellationRequested();
                    lock (_gate)
                    {
                        SettleAll();
                    }
                }
                throw new IOException(await lost.Task.ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // a collector survives its source's failures: it reports and reconnects
            catch (Exception e)
#pragma warning restore CA1031
            {
                _source.State = "reconnecting";
                _source.LastError = e is OperationCanceledException ? "timed out connecting to the broker" : e.Message;
                var wait = _reconnect.Next();
                Log.SourceRetry(log, Key, _source.LastError, wait);
                try
                {
                    if (client.IsConnected)
                    {
                        await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
                    }
                    await Task.Delay(wait, time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
#pragma warning disable CA1031 // a failed disconnect of a connection already gone changes nothing
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
        _source.State = "stopped";
        if (client.IsConnected)
        {
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // stopping: the broker keeps the session either way
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private async Task ConnectAsync(IMqttClient client, CancellationToken ct)
    {
        _source.State = "connecting";
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithCleanSession(false)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.Timeout);
        if (options.Username.Length > 0)
        {
            builder = builder.WithCredentials(options.Username, options.Password);
        }
        if (options.Tls)
        {
            builder = builder.WithTlsOptions(t => t.UseTls());
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(options.Timeout);
        var connected = await client.ConnectAsync(builder.Build(), cts.Token).ConfigureAwait(false);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new IOException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}".TrimEnd());
        }
        if (_reload)
        {
            lock (_gate)
            {
                ForgetDevices();
            }
            _reload = false;
        }
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in MqttTopic.Filters(options.TopicPrefix, options.EntityTopics))
        {
            subscribe = subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        }
        var subscribed = await client.SubscribeAsync(subscribe.Build(), cts.Token).ConfigureAwait(false);
        var refused = subscribed.Items.Where(i => (int)i.ResultCode >= 0x80).Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})").ToList();
        if (refused.Count > 0)
        {
            throw new IOException("the broker refused the subscription to " + string.Join(", ", refused));
        }
        _source.State = "connected";
        _source.LastError = null;
        Log.MqttConnected(log, Key, clientId, connected.IsSessionPresent);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        try
        {
            lock (_gate)
            {
                Handle(message.Topic, message.Payload);
            }
        }
#pragma warning disable CA1031 // not the message's fault (the outbox failed): leave it unacknowledged and reconnect, the broker delivers it again
        catch (Exception ex)
#pragma warning restore CA1031
        {
            e.AutoAcknowledge = false;
            _reload = true;
            Log.MqttStoreFailed(log, Key, message.Topic, ex);
            Volatile.Read(ref _lost)?.TrySetResult($"storing a message of {message.Topic} failed: {ex.Message}");
        }
        return Task.CompletedTask;
    }
}
