namespace Mtc.Edge.Tests.EndToEnd;

internal sealed partial class Pipeline
{
    /// <summary>Starts the edge on one Modbus module at 127.0.0.1:<paramref name="port"/>, its channels (machine id, channel), delivering to the cloud.</summary>
    public async Task<Uri> StartEdgeOnCountersAsync(int port, string pollInterval, params (string MachineId, int Channel)[] channels)
    {
        var config = new
        {
            Edge = new
            {
                Id = "plant-1",
                Cloud = new { Url = CloudUri.ToString(), MaxBackoff = "00:00:02" },
                Counters = new[]
                {
                    new { Host = "127.0.0.1", Port = port, PollInterval = pollInterval, Channels = channels.Select(c => new { c.MachineId, c.Channel }).ToArray() },
                },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        };
        return await StartEdgeOnAsync(config);
    }

    /// <summary>Starts the edge offline (outbox only) on <paramref name="units"/> modules: units 1..N of one server, <paramref name="channels"/> channels each.</summary>
    public async Task<Uri> StartEdgeOnModulesAsync(int port, int units, int channels, string pollInterval)
    {
        var config = new
        {
            Edge = new
            {
                Id = "plant-1",
                Counters = Enumerable.Range(1, units).Select(u => new
                {
                    Host = "127.0.0.1", Port = port, UnitId = u, PollInterval = pollInterval,
                    Channels = Enumerable.Range(0, channels).Select(c => new { MachineId = $"m{u}-{c}", Channel = c }).ToArray(),
                }).ToArray(),
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        };
        return await StartEdgeOnAsync(config);
    }
}
