using System.Diagnostics;
using System.Globalization;
using Mtc.Core;
using Mtc.Core.Model;
using Mtc.Edge.Tests.EndToEnd;
using Mtc.Simulator;
using Xunit.Abstractions;
using static Mtc.Edge.Tests.Hostile.HostileEdge;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// Amplification past the quota: a probe of 2,000 tiny devices once made 2,000 device model records each
/// holding the whole probe. Each machine's model record now holds its own device, and the outbox stays within a 64 MiB
/// quota with the edge's memory bounded and its status page answering.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class AmplificationTests(ITestOutputHelper output)
{
    private const int Devices = 2000;
    private const long Quota = 64L << 20;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_probe_of_2000_tiny_devices_keeps_the_outbox_within_its_quota_and_each_model_record_holds_its_device()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 10, Speed = 20 });
        var next = 2 * Devices + 1;
        // Heartbeats after current: a healthy, idle agent.
        var heartbeat = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"<?xml version=\"1.0\"?><MTConnectStreams xmlns=\"urn:mtconnect.org:MTConnectStreams:2.5\"><Header creationTime=\"2024-01-01T00:00:00Z\" sender=\"h\" instanceId=\"{TinyAgentDocuments.InstanceId}\" version=\"2.5.0.0\" bufferSize=\"131072\" firstSequence=\"1\" lastSequence=\"{next - 1}\" nextSequence=\"{next}\"/><Streams/></MTConnectStreams>"));
        var part = System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"--B\r\nContent-Type: text/xml\r\nContent-Length: {heartbeat.Length}\r\n\r\n"));
        byte[] chunk = [.. part, .. heartbeat, .. "\r\n"u8];
        await using var agent = new HostileAgent(TinyAgentDocuments.With(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: multipart/mixed;boundary=B", "Transfer-Encoding: chunked");
            while (!r.Agent.Proxying)
            {
                await r.ChunkAsync(chunk);
                await Task.Delay(300, r.Stop);
            }
        }, Devices));
        var probeBytes = TinyAgentDocuments.Probe(Devices).Length;
        await using var edge = await ForAgentAsync(agent.BaseUri, maxBytes: Quota);

        long peakFiles = 0;
        await Pipeline.WaitUntilAsync(() =>
        {
            peakFiles = Math.Max(peakFiles, edge.OutboxFileBytes());
            return Task.FromResult(edge.Records("deviceModel").Count >= Devices && edge.Records("observation").Count >= 2 * Devices);
        }, Wait, () => edge.Process.Output);
        var connected = await edge.WaitForSourceAsync(s => State(s) == "connected" && Error(s).Length == 0, Wait, "the source connected");
        Assert.Equal(2 * Devices, Observations(connected));
        var models = edge.Records("deviceModel");
        Assert.Equal(Devices, models.Count);
        // Each record is its own device's document: an MTConnectDevices document the Core reader reads, with that one device.
        foreach (var m in models.Where((_, i) => i % 97 == 0).Append(models[^1]))
        {
            var document = m.GetProperty("document").GetString()!;
            var devices = Assert.IsType<DevicesDocument>(MtConnectDocumentReader.Read(System.Text.Encoding.UTF8.GetBytes(document)));
            var device = Assert.Single(devices.Devices);
            Assert.Equal(m.GetProperty("machineId").GetString(), device.Name);
            Assert.Equal(TinyAgentDocuments.InstanceId, devices.Header.InstanceId);
            Assert.Equal(2, device.AllDataItems().Count());
        }
        var modelBytes = models.Sum(m => (long)m.GetProperty("document").GetString()!.Length);
        peakFiles = Math.Max(peakFiles, edge.OutboxFileBytes());
        output.WriteLine($"probe {probeBytes} bytes; {Devices} model records hold {modelBytes} bytes of documents; outbox files peaked at {peakFiles} bytes (quota {Quota})");
        // The probe once, plus the root and header repeated per device (under 1 KiB each), not the probe per device.
        Assert.True(modelBytes < probeBytes + Devices * 1024L, $"the model records hold {modelBytes} bytes for a probe of {probeBytes}");
        Assert.True(peakFiles <= Quota, $"the outbox files reached {peakFiles} bytes, over the {Quota}-byte quota");

        // The status page answers promptly.
        var watch = Stopwatch.StartNew();
        var page = await edge.Http.GetStringAsync(edge.Uri);
        Assert.Contains("M2000", page, StringComparison.Ordinal);
        output.WriteLine($"status page: {page.Length} bytes in {watch.ElapsedMilliseconds} ms");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the status page took {watch.Elapsed}");

        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        output.WriteLine($"peak RSS {edge.AssertPeakRssBounded():0} MiB");
    }
}
