using System.Collections.Concurrent;
using Mtc.Edge.Tests.EndToEnd;
using Mtc.Simulator;
using Xunit.Abstractions;
using static Mtc.Edge.Tests.Hostile.HostileEdge;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// A hang that looks healthy: an answer that starts and then says nothing holds no request past its timeout
/// (the silence limit, 3× heartbeat + interval, for a sample; the request timeout, whole body included, for a probe),
/// and the source is failing with the reason meanwhile.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class SilentAnswerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_sample_answer_with_no_or_an_empty_boundary_that_stays_silent_is_dropped_at_the_silence_limit()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 6, Speed = 20 });
        var held = new ConcurrentQueue<TimeSpan>();
        var n = 0;
        await using var agent = new HostileAgent(TinyAgentDocuments.With(async r =>
        {
            var type = Interlocked.Increment(ref n) % 2 == 0 ? "multipart/mixed; boundary=\"\"" : "multipart/mixed";
            await r.HeadAsync("200 OK", "Content-Type: " + type, "Transfer-Encoding: chunked");
            var start = DateTime.UtcNow;
            try
            {
                await r.SilentAsync();
            }
            finally
            {
                held.Enqueue(DateTime.UtcNow - start);
            }
        }));
        await using var edge = await ForAgentAsync(agent.BaseUri);

        var failing = await edge.WaitForSourceAsync(s => State(s) == "failing" && Error(s).Contains("no whole answer within 3.1 s", StringComparison.Ordinal), Wait, "the silent sample reported");
        await Pipeline.WaitUntilAsync(() => Task.FromResult(held.Count >= 2), Wait, () => edge.Process.Output);
        output.WriteLine($"silent sample answers held {string.Join(", ", held.Select(h => $"{h.TotalSeconds:0.0} s"))}; status: {Error(failing)}");
        Assert.All(held, h => Assert.True(h < TimeSpan.FromSeconds(8), $"a silent sample answer was held {h.TotalSeconds:0.0} s (the limit is 3.1 s)"));

        var behaving = DateTime.UtcNow;
        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        output.WriteLine($"collecting again {(DateTime.UtcNow - behaving).TotalSeconds:0} s after the agent behaved; peak RSS {edge.AssertPeakRssBounded():0} MiB");
    }

    [Fact]
    public async Task A_probe_whose_body_stalls_after_its_headers_times_out_at_the_request_timeout()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 7, Speed = 20 });
        var held = new ConcurrentQueue<TimeSpan>();
        await using var agent = new HostileAgent(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: text/xml", "Content-Length: 100000");
            await r.WriteRawAsync("<?xml version=\"1.0\"?><MTConnectDevices>"u8.ToArray());
            var start = DateTime.UtcNow;
            try
            {
                await r.SilentAsync();
            }
            finally
            {
                held.Enqueue(DateTime.UtcNow - start);
            }
        });
        await using var edge = await ForAgentAsync(agent.BaseUri, requestTimeout: "00:00:02");

        var failing = await edge.WaitForSourceAsync(s => State(s) == "failing" && Error(s).Contains("probe: no whole answer within 2 s", StringComparison.Ordinal), Wait, "the stalled probe reported");
        await Pipeline.WaitUntilAsync(() => Task.FromResult(held.Count >= 2), Wait, () => edge.Process.Output);
        output.WriteLine($"stalled probes held {string.Join(", ", held.Select(h => $"{h.TotalSeconds:0.0} s"))}; status: {Error(failing)}");
        Assert.All(held, h => Assert.True(h < TimeSpan.FromSeconds(6), $"a stalled probe was held {h.TotalSeconds:0.0} s (the request timeout is 2 s)"));

        var behaving = DateTime.UtcNow;
        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        output.WriteLine($"collecting again {(DateTime.UtcNow - behaving).TotalSeconds:0} s after the agent behaved; peak RSS {edge.AssertPeakRssBounded():0} MiB");
    }
}
