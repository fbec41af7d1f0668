using System.Text.Json;
using Mtc.Edge.Tests.EndToEnd;
using Mtc.Simulator;
using Xunit.Abstractions;
using static Mtc.Edge.Tests.Hostile.HostileEdge;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// Reconnect storms: a source that ends every stream or connection at once is tried with growing backoff (it
/// starts over only after 30 s of data), a flapping adapter writes one UNAVAILABLE set (after the grace period, stamped
/// with the first loss) instead of one per disconnect, and an over-long SHDR line is skipped and counted, not a reason to
/// drop the connection.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class ReconnectStormTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_agent_that_ends_every_stream_at_once_is_asked_again_with_growing_backoff()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 11, Speed = 20 });
        await using var agent = new HostileAgent(TinyAgentDocuments.With(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: multipart/mixed;boundary=B", "Transfer-Encoding: chunked");
            await r.WriteRawAsync("0\r\n\r\n"u8.ToArray());
        }));
        await using var edge = await ForAgentAsync(agent.BaseUri);
        await Pipeline.WaitUntilAsync(() => Task.FromResult(agent.CountSince(DateTime.MinValue, "/sample") > 0), Wait, () => edge.Process.Output);
        var start = agent.Requests.First(r => r.Path.StartsWith("/sample", StringComparison.Ordinal)).At;
        await Task.Delay(Window - (DateTime.UtcNow - start));

        var requests = agent.Requests.Count(r => r.At >= start && r.At < start + Window);
        var samples = agent.Requests.Count(r => r.At >= start && r.At < start + Window && r.Path.StartsWith("/sample", StringComparison.Ordinal));
        output.WriteLine($"{requests} requests ({samples} samples) in {Window.TotalSeconds} s: {requests / Window.TotalSeconds:0.0}/s");
        Assert.True(requests <= 30, $"{requests} requests in {Window.TotalSeconds} s");

        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        output.WriteLine($"peak RSS {edge.AssertPeakRssBounded():0} MiB");
    }

    [Fact]
    public async Task A_flapping_adapter_writes_one_unavailable_set_stamped_at_the_first_loss_and_backs_off()
    {
        var first = true;
        await using var adapter = new HostileAdapter(async (stream, ct) =>
        {
            if (first)
            {
                first = false;
                await HostileAdapter.SendAsync(stream, "2024-01-01T00:00:00Z|avail|AVAILABLE|exec|ACTIVE\n", ct);
                await Task.Delay(300, ct);
            }
            // Then every connection ends at once.
        });
        await using var edge = await ForAdapterAsync(adapter.Port, unavailableAfter: "00:00:02");
        await Pipeline.WaitUntilAsync(() => Task.FromResult(adapter.Accepts.Count >= 2), Wait, () => edge.Process.Output);
        var start = adapter.Accepts[0];
        await Task.Delay(Window - (DateTime.UtcNow - start));

        var accepts = adapter.Accepts.Count(a => a < start + Window);
        var observations = edge.Records("observation");
        var unavailable = observations.Where(o => o.GetProperty("value").GetString() == "UNAVAILABLE").ToList();
        var items = Device1Items();
        output.WriteLine($"{accepts} connections in {Window.TotalSeconds} s; {observations.Count} observation records ({unavailable.Count} UNAVAILABLE for {items.Count} items)");
        Assert.True(accepts <= 8, $"{accepts} connections in {Window.TotalSeconds} s");
        Assert.Equal(items, unavailable.Select(o => o.GetProperty("dataItemId").GetString()!).Order().ToList());
        Assert.Equal(2 + items.Count, observations.Count);
        // Stamped when the adapter first went away: after its one good connection began, before the second.
        var stamps = unavailable.Select(o => o.GetProperty("timestamp").GetDateTimeOffset().UtcDateTime).Distinct().ToList();
        var stamp = Assert.Single(stamps);
        Assert.InRange(stamp, adapter.Accepts[0], adapter.Accepts[1]);

        // The adapter behaves: values arrive again.
        adapter.Behaviour = async (stream, ct) =>
        {
            await HostileAdapter.SendAsync(stream, "2024-01-01T00:01:00Z|avail|AVAILABLE|exec|READY\n", ct);
            await HostileAdapter.HoldAsync(stream, ct);
        };
        await Pipeline.WaitUntilAsync(() => Task.FromResult(edge.Records("observation").Any(o => o.GetProperty("value").GetString() == "READY")), Wait, () => edge.Process.Output);
        await edge.WaitForSourceAsync(s => State(s) == "connected" && Error(s).Length == 0, Wait, "the adapter connected");
        output.WriteLine($"peak RSS {edge.AssertPeakRssBounded():0} MiB");
    }

    [Fact]
    public async Task An_over_long_SHDR_line_is_skipped_and_counted_without_dropping_the_connection()
    {
        var tenMegabytes = new string('x', 10 << 20);
        await using var adapter = new HostileAdapter(async (stream, ct) =>
        {
            await HostileAdapter.SendAsync(stream, "2024-01-01T00:00:00Z|exec|ACTIVE\n", ct);
            await HostileAdapter.SendAsync(stream, "2024-01-01T00:00:01Z|exec|" + tenMegabytes + "\n", ct);
            await HostileAdapter.SendAsync(stream, "2024-01-01T00:00:02Z|exec|READY\n", ct);
            await HostileAdapter.HoldAsync(stream, ct);
        });
        await using var edge = await ForAdapterAsync(adapter.Port);
        await Pipeline.WaitUntilAsync(() => Task.FromResult(edge.Records("observation").Any(o => o.GetProperty("value").GetString() == "READY")), Wait, () => edge.Process.Output);
        await Task.Delay(1000);

        var values = edge.Records("observation").Select(o => o.GetProperty("value").GetString()).ToList();
        Assert.Equal(["ACTIVE", "READY"], values);
        var source = await edge.SourceAsync();
        Assert.Equal(1, source.GetProperty("malformedLines").GetInt64());
        Assert.Equal("connected", State(source));
        Assert.Single(adapter.Accepts);
        output.WriteLine($"10 MiB line: {adapter.Accepts.Count} connection, {source.GetProperty("malformedLines").GetInt64()} malformed line; peak RSS {edge.AssertPeakRssBounded():0} MiB");
    }

    private static List<string> Device1Items() =>
        [.. System.Xml.Linq.XDocument.Load(AdapterDevices).Descendants()
            .Single(e => e.Name.LocalName == "Device" && (string?)e.Attribute("name") == "Device1")
            .Descendants().Where(e => e.Name.LocalName == "DataItem").Select(e => (string)e.Attribute("id")!).Order()];
}
