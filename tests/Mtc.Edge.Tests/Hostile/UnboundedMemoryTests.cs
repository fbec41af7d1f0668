using Mtc.Core;
using Mtc.Edge.Tests.EndToEnd;
using Mtc.Simulator;
using Xunit.Abstractions;
using static Mtc.Edge.Tests.Hostile.HostileEdge;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// Unbounded memory: answers far larger than the document limit (a 1.5 GB probe, chunked or declared; a
/// sample "stream" with no boundary that keeps sending; stream parts over the limit) are refused while they arrive,
/// the source is failing with the reason, the edge's peak RSS stays under 500 MB, and it collects again as soon as the
/// source behaves (the hostile agent then proxies a real simulator).
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class UnboundedMemoryTests(ITestOutputHelper output)
{
    private const int Chunks = 1536; // of 1 MiB: 1.5 GiB
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly byte[] Filler = Enumerable.Repeat((byte)' ', 1 << 20).ToArray();
    private static readonly long Limit = ParserLimits.Default.MaxDocumentBytes;

    /// <summary>The sample cases read with a smaller limit (Edge:MaxDocumentBytes) to stay quick; the probe case uses the default.</summary>
    private const long SmallLimit = 32L << 20;

    [Fact]
    public async Task A_1_5_GB_probe_chunked_or_with_its_Content_Length_is_refused_at_the_document_limit_in_bounded_memory()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 3, Speed = 20 });
        await using var agent = new HostileAgent(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: text/xml", "Transfer-Encoding: chunked");
            await r.ChunkAsync("<?xml version=\"1.0\"?><MTConnectDevices>");
            for (var i = 0; i < Chunks; i++)
            {
                await r.ChunkAsync(Filler);
            }
        });
        await using var edge = await ForAgentAsync(agent.BaseUri);

        var chunked = await edge.WaitForSourceAsync(s => State(s) == "failing" && Error(s).Contains("larger than the limit", StringComparison.Ordinal), Wait, "the chunked probe refused");
        Assert.Contains($"probe: the answer is larger than the limit of {Limit} bytes", Error(chunked), StringComparison.Ordinal);
        var probes = agent.CountSince(DateTime.MinValue, "/probe");
        output.WriteLine($"chunked 1.5 GiB probe: {probes} attempts, {agent.BytesSent / 1048576} MiB taken by the edge in all, peak RSS {edge.PeakRssBytes() / 1048576} MiB");

        // The same size declared up front: refused on the headers.
        agent.Behaviour = async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: text/xml", "Content-Length: 1610612736");
            for (var i = 0; i < Chunks; i++)
            {
                await r.WriteRawAsync(Filler);
            }
        };
        var declared = await edge.WaitForSourceAsync(s => Error(s).Contains("declares", StringComparison.Ordinal), Wait, "the declared probe refused");
        Assert.Contains($"probe: the answer declares 1610612736 bytes, over the limit of {Limit}", Error(declared), StringComparison.Ordinal);
        Assert.Equal("failing", State(declared));

        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        var peak = edge.AssertPeakRssBounded();
        var after = edge.RssBytes();
        output.WriteLine($"peak RSS {peak:0} MiB; RSS after recovery {after / 1048576} MiB");
        // The refused answers' memory is given back, not kept committed for the next one.
        Assert.True(after < Limit, $"RSS after recovery is {after / 1048576} MiB: the refused answers were kept");
    }

    [Fact]
    public async Task A_multipart_sample_answer_without_a_boundary_that_keeps_sending_is_refused_at_the_document_limit()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 4, Speed = 20 });
        await using var agent = new HostileAgent(TinyAgentDocuments.With(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: multipart/mixed", "Transfer-Encoding: chunked");
            for (var i = 0; i < Chunks; i++)
            {
                await r.ChunkAsync(Filler);
            }
        }));
        await using var edge = await ForAgentAsync(agent.BaseUri, maxDocumentBytes: SmallLimit);

        var refused = await edge.WaitForSourceAsync(s => Error(s).Contains("larger than the limit", StringComparison.Ordinal), Wait, "the sample refused");
        Assert.Contains($"the answer is larger than the limit of {SmallLimit} bytes", Error(refused), StringComparison.Ordinal);
        await edge.WaitForSourceAsync(s => State(s) == "failing", Wait, "the source failing");

        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        var peak = edge.AssertPeakRssBounded();
        output.WriteLine($"peak RSS {peak:0} MiB; RSS after recovery {edge.RssBytes() / 1048576} MiB; {agent.BytesSent / 1048576} MiB sent");
    }

    [Fact]
    public async Task A_stream_part_over_the_part_limit_is_refused_whether_its_length_is_declared_or_it_never_ends()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 1, Seed = 5, Speed = 20 });
        await using var agent = new HostileAgent(TinyAgentDocuments.With(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: multipart/mixed;boundary=B", "Transfer-Encoding: chunked");
            await r.ChunkAsync("--B\r\nContent-Type: text/xml\r\nContent-Length: 1610612736\r\n\r\n");
            for (var i = 0; i < Chunks; i++)
            {
                await r.ChunkAsync(Filler);
            }
        }));
        await using var edge = await ForAgentAsync(agent.BaseUri, maxDocumentBytes: SmallLimit);
        var part = SmallLimit;
        var declared = await edge.WaitForSourceAsync(s => Error(s).Contains("declares", StringComparison.Ordinal), Wait, "the declared part refused");
        Assert.Contains($"part 0 declares 1610612736 bytes, over the limit of {part}", Error(declared), StringComparison.Ordinal);

        // A part without a Content-Length whose boundary never comes.
        agent.Behaviour = TinyAgentDocuments.With(async r =>
        {
            await r.HeadAsync("200 OK", "Content-Type: multipart/mixed;boundary=B", "Transfer-Encoding: chunked");
            await r.ChunkAsync("--B\r\nContent-Type: text/xml\r\n\r\n<MTConnectStreams>");
            for (var i = 0; i < Chunks; i++)
            {
                await r.ChunkAsync(Filler);
            }
        });
        var endless = await edge.WaitForSourceAsync(s => Error(s).Contains("is over the limit", StringComparison.Ordinal), Wait, "the endless part refused");
        Assert.Contains($"part 0 is over the limit of {part} bytes", Error(endless), StringComparison.Ordinal);

        agent.ProxyTo(sim.BaseAddress);
        await edge.WaitCollectingAsync(Wait);
        var peak = edge.AssertPeakRssBounded();
        output.WriteLine($"peak RSS {peak:0} MiB; RSS after recovery {edge.RssBytes() / 1048576} MiB");
    }
}
