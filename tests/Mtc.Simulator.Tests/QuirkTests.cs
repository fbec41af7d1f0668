using System.Net;
using Mtc.Core.Model;
using Mtc.Core.Xml;
using Mtc.Simulator.Tests.Validation;

namespace Mtc.Simulator.Tests;

/// <summary>Each flag of the quirk profiles over real HTTP, and the default profile as the reference agent answers.</summary>
public sealed class QuirkTests
{
    private const string MtConnectNet = "mtconnect.net";
    private const string Cppagent = "cppagent";

    private static Task<TestAgent> GenerateAsync(string quirks, string version = "2.5", int buffer = 131072, double speed = 50, int machines = 2) =>
        TestAgent.StartAsync(new SimulatorOptions { Generate = machines, Speed = speed, Version = version, Quirks = quirks, BufferSize = buffer });

    private static Task<TestAgent> IdleAsync(string quirks) =>
        TestAgent.StartAsync(new SimulatorOptions { DevicesFile = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml"), Quirks = quirks });

    [Theory]
    [InlineData(Cppagent)]
    [InlineData(MtConnectNet)]
    public async Task A_full_sample_page_says_nextSequence_after_its_last_observation_or_at_the_buffer_end(string quirks)
    {
        await using var agent = await GenerateAsync(quirks);
        await agent.WaitForCurrentAsync(d => d.Header.LastSequence > 500);

        var page = await agent.StreamsAsync("sample?from=1&count=100");

        Assert.Equal(100, page.Observations().Max(o => o.Sequence));
        var expected = quirks == MtConnectNet ? page.Header.LastSequence + 1 : 101;
        Assert.Equal(expected, page.Header.NextSequence);
        Assert.True(page.Header.LastSequence > 400);
    }

    [Theory]
    [InlineData(Cppagent)]
    [InlineData(MtConnectNet)]
    public async Task Stream_parts_say_nextSequence_after_their_last_observation_or_at_the_buffer_end_and_still_chain(string quirks)
    {
        await using var agent = await GenerateAsync(quirks);
        await agent.WaitForCurrentAsync(d => d.Header.LastSequence > 500);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await RawMultipart.OpenAsync(agent.Http, "sample?from=1&count=50&interval=100&heartbeat=1000", timeout.Token);
        using (response)
        await using (parts)
        {
            var expected = 1L;
            for (var i = 0; i < 3; i++)
            {
                var part = Assert.IsType<StreamsDocument>(MtConnectXml.Read((await parts.ReadNextAsync(timeout.Token))!.Body));
                var sequences = part.Observations().Select(o => o.Sequence).Order().ToList();
                // The stream itself never skips: each part goes on where the previous one ended.
                Assert.Equal(Enumerable.Range(0, 50).Select(k => expected + k), sequences);
                expected += 50;
                Assert.Equal(quirks == MtConnectNet ? part.Header.LastSequence + 1 : expected, part.Header.NextSequence);
            }
        }
    }

    [Theory]
    [InlineData(Cppagent)]
    [InlineData(MtConnectNet)]
    public async Task Polling_an_idle_agent_from_nextSequence_answers_an_empty_page_or_OUT_OF_RANGE(string quirks)
    {
        await using var agent = await IdleAsync(quirks);
        var next = (await agent.StreamsAsync("current")).Header.NextSequence;

        var served = await agent.GetAsync($"sample?from={next}");

        Assert.Equal(HttpStatusCode.OK, served.Status);
        if (quirks == MtConnectNet)
        {
            var error = Assert.IsType<ErrorDocument>(served.Document);
            Assert.True(error.Has(AgentErrorCodes.OutOfRange), served.Xml.ToString());
            // Streaming from the same point is not refused: only a polled page past the end is.
            using var timeout = new CancellationTokenSource(TestAgent.Patience);
            var (response, parts) = await RawMultipart.OpenAsync(agent.Http, $"sample?from={next}&interval=50&heartbeat=200", timeout.Token);
            using (response)
            await using (parts)
            {
                var heartbeat = Assert.IsType<StreamsDocument>(MtConnectXml.Read((await parts.ReadNextAsync(timeout.Token))!.Body));
                Assert.Empty(heartbeat.Observations());
            }
        }
        else
        {
            var page = Assert.IsType<StreamsDocument>(served.Document);
            Assert.Empty(page.Observations());
            Assert.Equal(next, page.Header.NextSequence);
        }
    }

    [Theory]
    [InlineData(Cppagent, "a/b/c", HttpStatusCode.NotFound, "INVALID_URI")]
    [InlineData(Cppagent, "sample?count=0", HttpStatusCode.BadRequest, "OUT_OF_RANGE")]
    [InlineData(Cppagent, "NoSuchMachine/current", HttpStatusCode.NotFound, "NO_DEVICE")]
    [InlineData(MtConnectNet, "a/b/c", HttpStatusCode.OK, "INVALID_URI")]
    [InlineData(MtConnectNet, "sample?count=0", HttpStatusCode.OK, "OUT_OF_RANGE")]
    [InlineData(MtConnectNet, "NoSuchMachine/current", HttpStatusCode.OK, "NO_DEVICE")]
    [InlineData(MtConnectNet, "asset/nope", HttpStatusCode.OK, "ASSET_NOT_FOUND")]
    public async Task Error_documents_come_with_the_status_of_the_profile(string quirks, string path, HttpStatusCode status, string code)
    {
        await using var agent = await IdleAsync(quirks);
        var served = await agent.GetAsync(path);
        Assert.Equal(status, served.Status);
        Assert.Equal(code, Assert.Single(Assert.IsType<ErrorDocument>(served.Document).Errors).Code);
    }

    [Theory]
    [InlineData(Cppagent)]
    [InlineData(MtConnectNet)]
    public async Task Stream_parts_are_framed_as_the_profile_writes_them(string quirks)
    {
        await using var agent = await GenerateAsync(quirks);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await RawMultipart.OpenAsync(agent.Http, "sample?interval=50&heartbeat=200", timeout.Token);
        using (response)
        await using (parts)
        {
            for (var i = 0; i < 3; i++)
            {
                var part = (await parts.ReadNextAsync(timeout.Token))!;
                if (quirks == MtConnectNet)
                {
                    Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, part.BeforeBoundary);
                    Assert.Equal(["Content-type: text/xml", $"Content-length: {part.Body.Length}"], part.HeaderLines);
                }
                else
                {
                    Assert.Empty(part.BeforeBoundary);
                    Assert.Equal(["Content-Type: text/xml", $"Content-Length: {part.Body.Length}"], part.HeaderLines);
                }

                Assert.IsType<StreamsDocument>(MtConnectXml.Read(part.Body));
            }
        }
    }

    [Theory]
    [InlineData(Cppagent)]
    [InlineData(MtConnectNet)]
    public async Task A_stream_that_falls_out_of_the_buffer_ends_with_OUT_OF_RANGE_or_jumps_to_the_oldest_data(string quirks)
    {
        await using var agent = await GenerateAsync(quirks, buffer: 64, speed: 300, machines: 3);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await RawMultipart.OpenAsync(agent.Http, "sample?count=10&interval=20&heartbeat=1000", timeout.Token);
        using (response)
        await using (parts)
        {
            var first = Assert.IsType<StreamsDocument>(MtConnectXml.Read((await parts.ReadNextAsync(timeout.Token))!.Body));
            var expected = first.Observations().Max(o => o.Sequence) + 1;

            // While the stream sends nothing, the machines overwrite the whole buffer.
            agent.Host.StallStreams(TimeSpan.FromSeconds(2));
            await agent.WaitForCurrentAsync(d => d.Header.FirstSequence > expected + 64);

            if (quirks == MtConnectNet)
            {
                // Parts already on their way chain on; then the stream goes on at the oldest data still held, silently.
                while (true)
                {
                    var part = Assert.IsType<StreamsDocument>(MtConnectXml.Read((await parts.ReadNextAsync(timeout.Token))!.Body));
                    if (!part.Observations().Any())
                    {
                        continue;
                    }

                    var resumed = part.Observations().Min(o => o.Sequence);
                    if (resumed == expected)
                    {
                        expected = part.Observations().Max(o => o.Sequence) + 1;
                        continue;
                    }

                    Assert.True(resumed > expected, $"the stream went on at {resumed}, expected a jump past {expected}");
                    Assert.Equal(part.Header.FirstSequence, resumed);
                    break;
                }

                Assert.IsType<StreamsDocument>(MtConnectXml.Read((await parts.ReadNextAsync(timeout.Token))!.Body));
            }
            else
            {
                RawPart? last = null;
                while (await parts.ReadNextAsync(timeout.Token) is { } part)
                {
                    last = part;
                    if (MtConnectXml.Read(part.Body) is ErrorDocument)
                    {
                        break;
                    }
                }

                var error = Assert.IsType<ErrorDocument>(MtConnectXml.Read(last!.Body));
                Assert.True(error.Has(AgentErrorCodes.OutOfRange));
                var problems = MtConnectSchemas.Validate(last.Body, "2.5", "stream OUT_OF_RANGE part");
                Assert.True(problems.Count == 0, string.Join("\n", problems));
                Assert.Null(await parts.ReadNextAsync(timeout.Token));
            }
        }
    }

    [Theory]
    [InlineData(Cppagent, "1.3", false, false)]
    [InlineData(MtConnectNet, "1.3", false, true)]
    [InlineData(Cppagent, "2.5", true, true)]
    [InlineData(MtConnectNet, "2.5", true, true)]
    public async Task The_agent_device_is_in_the_probe_and_the_streams_as_the_profile_serves_it(string quirks, string version, bool inProbe, bool inStreams)
    {
        await using var agent = await GenerateAsync(quirks, version);
        var probe = await agent.ProbeAsync();
        Assert.Equal(inProbe, probe.Devices.Any(d => d.IsAgent || d.Name == "Agent"));
        Assert.Equal(2, probe.Devices.Count(d => !d.IsAgent));

        var current = await agent.StreamsAsync("current");
        var stream = current.Streams.FirstOrDefault(s => s.Name == "Agent");
        Assert.Equal(inStreams, stream is not null);
        if (stream is not null)
        {
            Assert.Contains(stream.Observations, o => o.ElementName == "Availability" && o.Value == "AVAILABLE");
            var sample = await agent.StreamsAsync("sample?from=1&count=1000");
            Assert.Contains(sample.Streams, s => s.Name == "Agent");
        }

        if (!inProbe)
        {
            var served = await agent.GetAsync("Agent/probe");
            Assert.True(Assert.IsType<ErrorDocument>(served.Document).Has(AgentErrorCodes.NoDevice));
        }
    }

    [Fact]
    public async Task The_default_profile_is_cppagent()
    {
        Assert.Equal(Cppagent, new SimulatorOptions().Quirks);
        Assert.Contains("--quirks 'trakhound'", new SimulatorOptions { Generate = 1, Quirks = "trakhound" }.Validate());
        await using var agent = await TestAgent.GenerateAsync(1);
        var served = await agent.GetAsync("sample?count=0");
        Assert.Equal(HttpStatusCode.BadRequest, served.Status);
    }
}
