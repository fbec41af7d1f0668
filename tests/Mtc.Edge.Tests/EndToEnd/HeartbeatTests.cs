using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// A machine that stops changing: its adapter sends ACTIVE, then only heartbeats. The adapter's heartbeats move the machine's
/// clock at the edge (the running interval is announced) and the edge's heartbeat tells the cloud it still sees the machine,
/// so the interval grows in the cloud's timeline past the machine's last observation.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class HeartbeatTests
{
    private const string Machine = "OKUMA";
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData", "cppagent", "demo", "agent");

    [Fact]
    public async Task What_a_quiet_machine_does_grows_in_the_cloud_while_its_edge_sees_it()
    {
        using var adapter = new TcpListener(IPAddress.Loopback, 0);
        adapter.Start();
        await using var p = new Pipeline();
        await p.StartCloudAsync();
        await p.StartEdgeOnAdapterAsync(((IPEndPoint)adapter.LocalEndpoint).Port, Path.Combine(Data, "Devices.xml"), Machine, cloudHeartbeat: "00:00:01");
        using var client = await adapter.AcceptTcpClientAsync().WaitAsync(Pipeline.StartTimeout);
        var stream = client.GetStream();
        // ACTIVE, and nothing more: the edge announces the interval as the adapter's heartbeats move the machine's clock on.
        var written = DateTimeOffset.UtcNow;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{written.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}|execution|ACTIVE|Lpexecution|ACTIVE\n")));

        // From now on only heartbeats: the adapter pings, and answers the edge's pings.
        using var stop = new CancellationTokenSource();
        var heartbeats = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (!stop.IsCancellationRequested)
            {
                await stream.WriteAsync("* PING\n"u8.ToArray(), stop.Token);
                using var read = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                read.CancelAfter(300);
                try
                {
                    var n = await stream.ReadAsync(buffer, read.Token);
                    if (Encoding.ASCII.GetString(buffer, 0, n).Contains("* PING", StringComparison.Ordinal))
                    {
                        await stream.WriteAsync("* PONG 10000\n"u8.ToArray(), stop.Token);
                    }
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                }
            }
        });

        var from = Uri.EscapeDataString(written.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(written.AddMinutes(5).ToString("O", CultureInfo.InvariantCulture));
        DateTimeOffset? end = null;
        string seen = "";
        await Pipeline.WaitUntilAsync(async () =>
        {
            var timeline = await p.CloudGetAsync($"/api/ext/machines/{Machine}/timeline?from={from}&to={to}");
            seen = timeline?.GetRawText() + "\n" + (await p.CloudGetAsync($"/api/ext/machines/{Machine}"))?.GetRawText() + "\n" + (await p.EdgeStatusAsync()).GetRawText();
            var items = timeline?.GetProperty("items").EnumerateArray().ToList() ?? [];
            end = items.Count == 0 ? null : items[^1].GetProperty("end").GetDateTimeOffset();
            return end >= written.AddSeconds(4);
        }, TimeSpan.FromSeconds(30), () => $"the machine's timeline ends at {end:O}, the value was written at {written:O}\n{seen}\n{p.Logs()}");

        // Its newest observation is still the one written: the time came from the heartbeats.
        var state = await p.CloudGetAsync($"/api/ext/machines/{Machine}");
        Assert.Equal("ACTIVE", state!.Value.GetProperty("status").GetString());
        Assert.True(state.Value.GetProperty("values").EnumerateArray().All(v => v.GetProperty("timestamp").GetDateTimeOffset() <= written.AddMilliseconds(1)),
            state.Value.GetRawText());
        await stop.CancelAsync();
        await heartbeats.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
