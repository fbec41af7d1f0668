using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Mqtt;

/// <summary>
/// Publishes what the agent serves to an MQTT broker in the layout of cppagent's MQTT sink (<c>Mqtt2Service</c>): on every
/// connect each device's model (<c>&lt;prefix&gt;/Probe/&lt;uuid&gt;</c>) and current (<c>&lt;prefix&gt;/Current/&lt;uuid&gt;</c>),
/// both retained; then per device, every sample interval, what is new since its last document
/// (<c>&lt;prefix&gt;/Sample/&lt;uuid&gt;</c>, each document continuing at the previous one's <c>nextSequence</c>); the current
/// again every current interval. JSON version 2, QoS 1. An agent restart (a new instanceId) publishes the models and
/// currents of the new instance, as cppagent does when it starts.
/// </summary>
/// <remarks>With <c>entities</c>, the layout of cppagent's MQTT entity sink instead (<see cref="EntityMessages"/>).</remarks>
internal sealed class MqttSink(SimAgent agent, string host, int port, string prefix, TimeSpan sampleInterval, TimeSpan currentInterval, ILogger log, bool entities = false)
{
    private const int Count = 1000;

    public async Task RunAsync(CancellationToken ct)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var options = new MqttClientOptionsBuilder().WithTcpServer(host, port)
                    .WithClientId("mtc-sim-" + Guid.NewGuid().ToString("N")).WithCleanSession(true).Build();
                await client.ConnectAsync(options, ct).ConfigureAwait(false);
                Log.MqttConnected(log, host, port, prefix);
                await (entities ? PublishEntitiesAsync(client, ct) : PublishLoopAsync(client, ct)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // the publisher survives its broker: it reconnects
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.MqttFailed(log, host, port, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), agent.Clock, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        if (client.IsConnected)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task PublishLoopAsync(IMqttClient client, CancellationToken ct)
    {
        var devices = agent.ProbeDevices.ToList();
        var cursors = new Dictionary<DeviceModel, long>();
        var instance = await PublishInitialAsync(client, devices, cursors, ct).ConfigureAwait(false);
        var nextCurrent = agent.Clock.GetUtcNow() + currentInterval;
        while (client.IsConnected && !ct.IsCancellationRequested)
        {
            await Task.Delay(sampleInterval, agent.Clock, ct).ConfigureAwait(false);
            if (agent.Buffer.State.InstanceId != instance)
            {
                instance = await PublishInitialAsync(client, devices, cursors, ct).ConfigureAwait(false);
                continue;
            }
            foreach (var device in devices)
            {
                while (true)
                {
                    var page = agent.Buffer.Sample(cursors[device], Count, device)
                        ?? agent.Buffer.Sample(agent.Buffer.State.FirstSequence, Count, device); // fell out of the buffer: from its oldest
                    if (page is null)
                    {
                        break;
                    }
                    if (page.Observations.Count > 0)
                    {
                        await PublishAsync(client, "Sample", device, JsonDocuments.Streams(agent, page.State, page.NextSequence, page.Observations, device), false, ct).ConfigureAwait(false);
                    }
                    cursors[device] = page.NextSequence;
                    if (page.EndOfBuffer)
                    {
                        break;
                    }
                }
            }
            if (agent.Clock.GetUtcNow() >= nextCurrent)
            {
                nextCurrent += currentInterval;
                foreach (var device in devices)
                {
                    await PublishCurrentAsync(client, device, ct).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Models and currents; each device's samples then continue from where its current ended.</summary>
    private async Task<long> PublishInitialAsync(IMqttClient client, List<DeviceModel> devices, Dictionary<DeviceModel, long> cursors, CancellationToken ct)
    {
        var instance = agent.Buffer.State.InstanceId;
        foreach (var device in devices)
        {
            await PublishAsync(client, "Probe", device, JsonDocuments.Device(device), true, ct).ConfigureAwait(false);
        }
        foreach (var device in devices)
        {
            cursors[device] = await PublishCurrentAsync(client, device, ct).ConfigureAwait(false);
        }
        return instance;
    }

    private async Task<long> PublishCurrentAsync(IMqttClient client, DeviceModel device, CancellationToken ct)
    {
        var (state, observations) = agent.Buffer.Current(null, device)!.Value;
        await PublishAsync(client, "Current", device, JsonDocuments.Streams(agent, state, state.NextSequence, observations, device), true, ct).ConfigureAwait(false);
        return state.NextSequence;
    }

    /// <summary>
    /// The entity layout: on every connect each device's model (<c>&lt;prefix&gt;/Probe/&lt;uuid&gt;</c>, retained) and the latest
    /// observation of each of its data items, then every sample interval each new observation of any device in sequence order,
    /// one message each on <c>&lt;prefix&gt;/Devices/&lt;uuid&gt;/Observations/&lt;dataItemId&gt;</c>, QoS 1, not retained (the entity
    /// sink's defaults). cppagent sends the initial values in data item order; here they go in sequence order.
    /// </summary>
    private async Task PublishEntitiesAsync(IMqttClient client, CancellationToken ct)
    {
        var devices = agent.ProbeDevices.ToList();
        var instance = agent.Buffer.State.InstanceId;
        var cursor = await PublishEntitiesInitialAsync(client, devices, ct).ConfigureAwait(false);
        while (client.IsConnected && !ct.IsCancellationRequested)
        {
            await Task.Delay(sampleInterval, agent.Clock, ct).ConfigureAwait(false);
            if (agent.Buffer.State.InstanceId != instance)
            {
                instance = agent.Buffer.State.InstanceId;
                cursor = await PublishEntitiesInitialAsync(client, devices, ct).ConfigureAwait(false);
                continue;
            }
            while (true)
            {
                var page = agent.Buffer.Sample(cursor, Count, null) ?? agent.Buffer.Sample(agent.Buffer.State.FirstSequence, Count, null);
                if (page is null)
                {
                    break;
                }
                foreach (var o in page.Observations)
                {
                    await PublishEntityAsync(client, page.State.InstanceId, o, ct).ConfigureAwait(false);
                }
                cursor = page.NextSequence;
                if (page.EndOfBuffer)
                {
                    break;
                }
            }
        }
    }

    private async Task<long> PublishEntitiesInitialAsync(IMqttClient client, List<DeviceModel> devices, CancellationToken ct)
    {
        foreach (var device in devices)
        {
            await PublishAsync(client, "Probe", device, JsonDocuments.Device(device), true, ct).ConfigureAwait(false);
        }
        var (state, observations) = agent.Buffer.Current(null, null)!.Value;
        foreach (var o in observations.OrderBy(o => o.Observation.Sequence))
        {
            await PublishEntityAsync(client, state.InstanceId, o, ct).ConfigureAwait(false);
        }
        return state.NextSequence;
    }

    private Task PublishEntityAsync(IMqttClient client, long instanceId, BufferedObservation o, CancellationToken ct) =>
        client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"{prefix}/Devices/{o.Item.Device.Uuid}/Observations/{o.Observation.DataItemId}")
            .WithPayload(EntityMessages.Observation(instanceId, o))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

    private Task PublishAsync(IMqttClient client, string kind, DeviceModel device, byte[] payload, bool retain, CancellationToken ct) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{prefix}/{kind}/{device.Uuid}").WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build(), ct);
}
