using System.Net;
using System.Net.Sockets;
using System.Text;
using Mtc.Core.Model;

namespace Mtc.Simulator.Tests;

public sealed class AdapterTests
{
    [Fact]
    public async Task A_live_adapter_feeds_its_device_and_its_disconnect_makes_it_unavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions
        {
            DevicesFile = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml"),
            Device = "OKUMA",
            Adapter = $"127.0.0.1:{port}",
        });

        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        using (var adapter = await listener.AcceptTcpClientAsync(timeout.Token))
        {
            var stream = adapter.GetStream();
            var lines = "2026-03-02T10:00:00Z|avail|AVAILABLE|pexecution|ACTIVE|ppartcount|17\n"
                + "2026-03-02T10:00:01Z|system|FAULT|1010||HIGH|Spindle overload\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(lines), timeout.Token);

            // The agent pings its adapter.
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.StartsWith("* PING", Encoding.ASCII.GetString(buffer, 0, read));

            var current = await agent.WaitForCurrentAsync(d => d.Observations().Any(o => o.DataItemId == "Lsystem" && o.Level == ConditionLevel.Fault), "OKUMA/current");
            Assert.Equal("ACTIVE", current.Observations().Single(o => o.DataItemId == "Lpexecution").Value);
            Assert.Equal("17", current.Observations().Single(o => o.DataItemId == "Lppartcount").Value);
            var fault = current.Observations().Single(o => o.DataItemId == "Lsystem");
            Assert.Equal("1010", fault.NativeCode);
            Assert.Equal("Spindle overload", fault.Value);
        }

        // The adapter went away: its device is UNAVAILABLE again.
        await agent.WaitForCurrentAsync(d => d.Observations().Single(o => o.DataItemId == "Lpexecution").IsUnavailable, "OKUMA/current");
    }
}
