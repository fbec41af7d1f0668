using Mtc.Core.Model;

namespace Mtc.Simulator.Tests;

public sealed class StreamingTests
{
    [Theory]
    [InlineData("2.5", "multipart/mixed")]
    [InlineData("1.3", "multipart/x-mixed-replace")]
    public async Task Sample_with_an_interval_streams_parts_that_chain_by_nextSequence(string version, string mediaType)
    {
        await using var agent = await TestAgent.GenerateAsync(3, speed: 20, version: version);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await agent.OpenStreamAsync("sample?from=1&count=100&interval=100&heartbeat=1000", timeout.Token);
        using (response)
        await using (parts)
        {
            Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
            Assert.Null(response.Content.Headers.ContentLength);
            Assert.True(response.Headers.TransferEncodingChunked);

            var expected = 1L;
            var total = 0;
            for (var i = 0; i < 8; i++)
            {
                var part = await parts.ReadNextAsync(timeout.Token);
                Assert.NotNull(part);
                var document = Assert.IsType<StreamsDocument>(part.Read());
                Assert.Equal(version, document.Version);
                var sequences = document.Observations().Select(o => o.Sequence).Order().ToList();
                if (sequences.Count > 0)
                {
                    Assert.Equal(Enumerable.Range(0, sequences.Count).Select(k => expected + k), sequences);
                    total += sequences.Count;
                }

                expected = document.Header.NextSequence!.Value;
            }

            Assert.True(total > 0);
        }
    }

    [Fact]
    public async Task A_quiet_stream_sends_empty_heartbeat_documents()
    {
        // Only a device model: nothing changes after the initial UNAVAILABLEs.
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { DevicesFile = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml") });
        var next = (await agent.StreamsAsync("current")).Header.NextSequence;
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await agent.OpenStreamAsync($"sample?from={next}&interval=50&heartbeat=200", timeout.Token);
        using (response)
        await using (parts)
        {
            for (var i = 0; i < 3; i++)
            {
                var document = Assert.IsType<StreamsDocument>((await parts.ReadNextAsync(timeout.Token))!.Read());
                Assert.Empty(document.Observations());
                Assert.Equal(next, document.Header.NextSequence);
            }
        }
    }

    [Fact]
    public async Task Streamed_current_sends_whole_snapshots()
    {
        await using var agent = await TestAgent.GenerateAsync(2);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await agent.OpenStreamAsync("current?interval=100", timeout.Token);
        using (response)
        await using (parts)
        {
            for (var i = 0; i < 2; i++)
            {
                var document = Assert.IsType<StreamsDocument>((await parts.ReadNextAsync(timeout.Token))!.Read());
                Assert.Equal(["Agent", "Lathe01", "Mill02"], document.Streams.Select(s => s.Name));
            }
        }
    }

    [Fact]
    public async Task A_reader_that_falls_out_of_the_buffer_gets_OUT_OF_RANGE_and_the_stream_ends()
    {
        await using var agent = await TestAgent.GenerateAsync(20, speed: 20, buffer: 64);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        HttpResponseMessage? response = null;
        Mtc.Core.Multipart.MultipartDocumentReader? parts = null;
        while (response is null)
        {
            // The buffer turns over quickly: ask again when 'from' fell out before the request arrived.
            var next = (await agent.StreamsAsync("current")).Header.NextSequence;
            try
            {
                (response, parts) = await agent.OpenStreamAsync($"sample?from={next}&count=1&interval=0&heartbeat=1000", timeout.Token);
            }
            catch (HttpRequestException)
            {
            }
        }

        using (response)
        await using (parts!)
        {
            Assert.NotNull(await parts!.ReadNextAsync(timeout.Token));
            // While the stream stalls, the machines go on and the buffer turns over.
            using (var stall = await agent.Http.PostAsync("_sim/stall?seconds=2", null))
            {
                stall.EnsureSuccessStatusCode();
            }

            MtConnectDocument? last = null;
            await foreach (var part in parts.ReadAllAsync(timeout.Token))
            {
                last = part.Read();
            }

            var error = Assert.IsType<ErrorDocument>(last);
            Assert.True(error.Has(AgentErrorCodes.OutOfRange));
        }
    }
}
