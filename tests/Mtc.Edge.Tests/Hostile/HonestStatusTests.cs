using Mtc.Edge.Tests.EndToEnd;
using Mtc.Simulator;
using Xunit.Abstractions;
using static Mtc.Edge.Tests.Hostile.HostileEdge;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// Honest status: a source whose probe succeeds but whose stream is silent, or floods garbage, delivers no
/// valid data; once that has lasted its silence limit it is <c>failing</c> in <c>/api/status</c> with the reason, and red
/// on the status page, instead of <c>connected</c> with no error.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class HonestStatusTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_silent_stream_behind_a_successful_probe_is_failing_with_the_reason_and_red_on_the_page()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 8, Speed = 20 });
        await using var agent = new HostileAgent(TinyAgentDocuments.With(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: multipart/mixed;boundary=B", "Transfer-Encoding: chunked");
            await r.SilentAsync();
        }));
        await using var edge = await ForAgentAsync(agent.BaseUri);

        var failing = await edge.WaitForSourceAsync(s => State(s) == "failing" && Error(s).Contains("no data for 3.1 s", StringComparison.Ordinal), Wait, "the silent stream reported failing with the reason");
        await AssertRedOnThePageAsync(edge);
        output.WriteLine($"status: {Error(failing)}");

        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        output.WriteLine($"peak RSS {edge.AssertPeakRssBounded():0} MiB");
    }

    [Fact]
    public async Task A_stream_flooding_garbage_behind_a_successful_probe_is_failing_with_the_reason()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 9, Speed = 20 });
        var garbage = "--B\r\nContent-Type: text/xml\r\nContent-Length: 12\r\n\r\nnot a thing\n\r\n"u8.ToArray();
        await using var agent = new HostileAgent(TinyAgentDocuments.With(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: multipart/mixed;boundary=B", "Transfer-Encoding: chunked");
            await r.ChunksForeverAsync(garbage);
        }));
        await using var edge = await ForAgentAsync(agent.BaseUri);

        var failing = await edge.WaitForSourceAsync(s => State(s) == "failing", Wait, "the garbage stream reported failing");
        Assert.Contains("neither XML nor JSON", Error(failing), StringComparison.Ordinal);
        Assert.Equal(2, Observations(failing)); // the two of current, nothing from the stream
        await AssertRedOnThePageAsync(edge);
        output.WriteLine($"status: {Error(failing)}");

        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        output.WriteLine($"peak RSS {edge.AssertPeakRssBounded():0} MiB");
    }

    private static async Task AssertRedOnThePageAsync(HostileEdge edge)
    {
        var page = await edge.Http.GetStringAsync(edge.Uri);
        Assert.Contains("<td class=\"state bad\">failing</td>", page, StringComparison.Ordinal);
        Assert.Contains("class=\"verdict bad\"", page, StringComparison.Ordinal);
        Assert.Contains("is failing: ", page, StringComparison.Ordinal);
    }
}
