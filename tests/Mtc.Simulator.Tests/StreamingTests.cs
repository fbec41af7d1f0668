using System.Net.Http.Headers;

namespace Mtc.Simulator.Tests;

public sealed class StreamingTests
{
    private static async Task<(HttpResponseMessage Response, PartReader Parts)> OpenAsync(TestAgent agent, string path)
    {
        var response = await agent.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;
        return (response, new PartReader(await response.Content.ReadAsStreamAsync(), boundary));
    }

    [Theory]
    [InlineData("2.5", "multipart/mixed")]
    [InlineData("1.3", "multipart/x-mixed-replace")]
    public async Task Sample_with_an_interval_streams_parts_that_chain_by_nextSequence(string version, string mediaType)
    {
        await using var agent = await TestAgent.GenerateAsync(3, speed: 20, version: version);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await OpenAsync(agent, "sample?from=1&count=100&interval=100&heartbeat=1000");
        using (response)
        {
            Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
            Assert.Null(response.Content.Headers.ContentLength);

            var expected = 1L;
            var total = 0;
            for (var i = 0; i < 8; i++)
            {
                var part = await parts.NextAsync(timeout.Token);
                Assert.NotNull(part);
                Assert.Equal("text/xml", part.Value.Headers["Content-Type"]);
                var document = part.Value.Document;
                Assert.Equal($"urn:mtconnect.org:MTConnectStreams:{version}", document.Root!.Name.NamespaceName);
                var sequences = document.Observations().Select(o => o.Attr("sequence")).Order().ToList();
                if (sequences.Count > 0)
                {
                    Assert.Equal(expected, sequences[0]);
                    Assert.Equal(Enumerable.Range(0, sequences.Count).Select(k => expected + k), sequences);
                    total += sequences.Count;
                }

                expected = document.Header().Attr("nextSequence");
            }

            Assert.True(total > 0);
        }
    }

    [Fact]
    public async Task A_quiet_stream_sends_empty_heartbeat_documents()
    {
        // Only a device model: nothing ever changes after the initial UNAVAILABLEs.
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { DevicesFile = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml") });
        var next = (await agent.GetOkAsync("current")).Header().Attr("nextSequence");
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await OpenAsync(agent, $"sample?from={next}&interval=50&heartbeat=200");
        using (response)
        {
            for (var i = 0; i < 3; i++)
            {
                var part = await parts.NextAsync(timeout.Token);
                Assert.NotNull(part);
                Assert.Empty(part.Value.Document.Observations());
                Assert.Equal(next, part.Value.Document.Header().Attr("nextSequence"));
            }
        }
    }

    [Fact]
    public async Task Streamed_current_sends_whole_snapshots()
    {
        await using var agent = await TestAgent.GenerateAsync(2);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await OpenAsync(agent, "current?interval=100");
        using (response)
        {
            for (var i = 0; i < 2; i++)
            {
                var part = await parts.NextAsync(timeout.Token);
                Assert.Equal(2, part!.Value.Document.Root!.Named("DeviceStream").Count());
            }
        }
    }

    [Fact]
    public async Task A_reader_that_falls_out_of_the_buffer_gets_OUT_OF_RANGE_and_the_stream_ends()
    {
        await using var agent = await TestAgent.GenerateAsync(20, speed: 20, buffer: 64);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        HttpResponseMessage? response = null;
        PartReader? parts = null;
        while (response is null)
        {
            // The buffer turns over quickly: ask again when 'from' fell out before the request arrived.
            var next = (await agent.GetOkAsync("current")).Header().Attr("nextSequence");
            var attempt = await agent.Http.GetAsync($"sample?from={next}&count=1&interval=0&heartbeat=1000", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (attempt.IsSuccessStatusCode)
            {
                response = attempt;
                var boundary = attempt.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;
                parts = new PartReader(await attempt.Content.ReadAsStreamAsync(timeout.Token), boundary);
            }
            else
            {
                attempt.Dispose();
            }
        }

        using (response)
        {
            Assert.NotNull(await parts!.NextAsync(timeout.Token));
            // While the stream stalls, the machines go on and the buffer turns over.
            using (var stall = await agent.Http.PostAsync("_sim/stall?seconds=2", null))
            {
                stall.EnsureSuccessStatusCode();
            }

            System.Xml.Linq.XDocument? last = null;
            while (await parts.NextAsync(timeout.Token) is { } part)
            {
                last = part.Document;
            }

            Assert.NotNull(last);
            Assert.Equal("MTConnectError", last.Root!.Name.LocalName);
            Assert.Equal("OUT_OF_RANGE", last.Root.Named("Error").Single().Attribute("errorCode")!.Value);
        }
    }
}
