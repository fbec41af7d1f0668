using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Bus;

/// <summary>Edge batches whose derived events the bus publishes.</summary>
public static class BusEvents
{
    /// <summary>An ended status interval with id status-{seq}.</summary>
    public static DerivedEventRecord Status(long seq, string machine, string status) => new()
    {
        Seq = seq,
        MachineId = machine,
        Event = new DerivedEvent("status-" + seq, DerivedEventTypes.Status, Batches.T0.AddMinutes(seq), Batches.T0.AddMinutes(seq + 1),
            JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["status"] = status })),
    };

    public static IngestBatch Batch(string edge, string stream, long from, params WireRecord[] records) =>
        new(edge, stream, from, from + records.Length - 1, records);

    /// <summary>Broker settings for a cloud in a test: both sinks on, fast retries, the MQTT levels of the tests.</summary>
    public static Dictionary<string, string?> Settings(int mqttPort, int natsPort, string clientId) => new()
    {
        ["Cloud:Bus:Mqtt:Enabled"] = "true",
        ["Cloud:Bus:Mqtt:Host"] = "127.0.0.1",
        ["Cloud:Bus:Mqtt:Port"] = mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cloud:Bus:Mqtt:ClientId"] = clientId,
        ["Cloud:Bus:Mqtt:Enterprise"] = "acme",
        ["Cloud:Bus:Mqtt:Site"] = "plant1",
        ["Cloud:Bus:Mqtt:Area"] = "turning",
        ["Cloud:Bus:Nats:Enabled"] = "true",
        ["Cloud:Bus:Nats:Url"] = $"nats://127.0.0.1:{natsPort}",
        ["Cloud:Bus:RetryMaxSeconds"] = "0.5",
        ["Cloud:Bus:TimeoutSeconds"] = "2",
        ["Cloud:Bus:BatchSize"] = "16",
        ["Cloud:Worker:PollIntervalSeconds"] = "0.1",
    };

    public static string[] Arguments(Dictionary<string, string?> settings) => settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
}
