namespace Mtc.Cloud.Bus;

/// <summary>
/// One broker connection. <see cref="PublishAsync"/> returns once the broker acknowledged the message (MQTT PUBACK or PUBCOMP,
/// JetStream PubAck) and throws otherwise; the worker marks a delivery sent only after it returned.
/// </summary>
internal interface IBusPublisher : IAsyncDisposable
{
    /// <summary>The sink's name: its rows in <c>bus_deliveries</c>, its metric and log label.</summary>
    string Sink { get; }

    /// <summary>Where it publishes, for the log.</summary>
    string Target { get; }

    bool IsConnected { get; }

    /// <summary>Whether it keeps a retained state per machine (<see cref="PublishStateAsync"/>).</summary>
    bool PublishesState { get; }

    Task ConnectAsync(CancellationToken ct);

    /// <summary>Drops the connection (after a failure), so the next round connects afresh.</summary>
    Task ResetAsync();

    Task PublishAsync(BusDelivery delivery, CancellationToken ct);

    Task PublishStateAsync(string tenant, string machineId, byte[] state, CancellationToken ct);
}
