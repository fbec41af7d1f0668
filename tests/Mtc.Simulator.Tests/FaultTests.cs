using Mtc.Core.Model;

namespace Mtc.Simulator.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task Restart_changes_the_instanceId_and_starts_the_sequence_again()
    {
        await using var agent = await TestAgent.GenerateAsync(2, speed: 50);
        var before = await agent.WaitForCurrentAsync(d => d.Header.NextSequence > 400);
        var items = (await agent.ProbeAsync()).Devices.Sum(d => d.AllDataItems().Count());

        using (var restart = await agent.Http.PostAsync("_sim/restart", null))
        {
            restart.EnsureSuccessStatusCode();
        }

        var after = await agent.StreamsAsync("sample?from=1&count=1000");

        Assert.NotEqual(before.Header.InstanceId, after.Header.InstanceId);
        Assert.Equal(1, after.Header.FirstSequence);
        Assert.True(after.Header.NextSequence < before.Header.NextSequence);
        var observations = after.Observations().OrderBy(o => o.Sequence).ToList();
        Assert.Equal(1, observations[0].Sequence);
        // The restarted agent starts with every data item UNAVAILABLE, like an agent that just started.
        Assert.All(observations.Take(items), o => Assert.True(o.IsUnavailable, $"{o.DataItemId} {o.Value}"));
        Assert.Equal(items, observations.Take(items).Select(o => o.DataItemId).Distinct().Count());

        // The same fault from code, for tests that host the simulator in-process.
        var instanceId = agent.Host.Restart();
        Assert.Equal(instanceId, (await agent.StreamsAsync("current")).Header.InstanceId);
        Assert.NotEqual(after.Header.InstanceId, instanceId);
    }

    [Theory]
    [InlineData("cppagent")]
    [InlineData("mtconnect.net")]
    public async Task Restart_with_down_time_cuts_every_request_while_the_new_instance_fills_its_buffer(string quirks)
    {
        await using var agent = await TestAgent.StartAsync(new SimulatorOptions { Generate = 2, Speed = 50, Quirks = quirks });
        var before = await agent.WaitForCurrentAsync(d => d.Header.NextSequence > 200);
        var items = (await agent.ProbeAsync()).Devices.Sum(d => d.AllDataItems().Count());

        var posted = DateTime.UtcNow;
        using (var restart = await agent.Http.PostAsync("_sim/restart?down=1.5", null))
        {
            restart.EnsureSuccessStatusCode();
        }

        // Down: the connection is cut, as by an agent that is not listening yet.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => agent.Http.GetAsync("current"));

        // Back: a new instance whose first observations (every item UNAVAILABLE, then the last values, then new data)
        // were in its buffer before anyone could read it.
        StreamsDocument? after = null;
        while (after is null)
        {
            try
            {
                after = await agent.StreamsAsync("current");
            }
            catch (HttpRequestException)
            {
                Assert.True(DateTime.UtcNow < posted + TestAgent.Patience, "still down");
                await Task.Delay(100);
            }
        }

        Assert.True(DateTime.UtcNow >= posted.AddSeconds(1.5), "answered before the down time ended");
        Assert.NotEqual(before.Header.InstanceId, after.Header.InstanceId);
        Assert.Equal(1, after.Header.FirstSequence);
        Assert.True(after.Header.NextSequence > 2 * items, $"{after.Header.NextSequence} observations, {items} data items");
        var page = await agent.StreamsAsync("sample?from=1&count=1000");
        Assert.Equal(1, page.Observations().Min(o => o.Sequence));
        Assert.All(page.Observations().Where(o => o.Sequence <= items), o => Assert.True(o.IsUnavailable, $"{o.DataItemId} {o.Value}"));

        using var bad = await agent.Http.PostAsync("_sim/restart?down=soon", null);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Restart_and_drop_cut_open_streams()
    {
        await using var agent = await TestAgent.GenerateAsync(1);
        foreach (var fault in new[] { "_sim/drop", "_sim/restart" })
        {
            using var timeout = new CancellationTokenSource(TestAgent.Patience);
            var (response, parts) = await agent.OpenStreamAsync("sample?interval=100&heartbeat=200", timeout.Token);
            using (response)
            await using (parts)
            {
                Assert.NotNull(await parts.ReadNextAsync(timeout.Token));
                using (var post = await agent.Http.PostAsync(fault, null))
                {
                    post.EnsureSuccessStatusCode();
                }

                // The connection is cut: reading fails (not a timeout), or ends without the closing boundary.
                var cut = await Record.ExceptionAsync(async () =>
                {
                    await foreach (var part in parts.ReadAllAsync(timeout.Token))
                    {
                    }
                });
                Assert.False(timeout.IsCancellationRequested, $"{fault}: the stream went on");
                Assert.True(cut is HttpRequestException or IOException or Mtc.Core.MtConnectFormatException, $"{fault}: {cut}");
            }
        }
    }

    [Fact]
    public async Task A_stalled_stream_sends_nothing_not_even_heartbeats_then_resumes()
    {
        await using var agent = await TestAgent.GenerateAsync(2);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        var (response, parts) = await agent.OpenStreamAsync("sample?interval=50&heartbeat=100", timeout.Token);
        using (response)
        await using (parts)
        {
            Assert.NotNull(await parts.ReadNextAsync(timeout.Token));

            var posted = DateTime.UtcNow;
            using (var stall = await agent.Http.PostAsync("_sim/stall?seconds=3", null))
            {
                stall.EnsureSuccessStatusCode();
            }

            var answered = DateTime.UtcNow;
            // Parts written before the stall may still be on their way; every part made after it waits for its end.
            while (true)
            {
                var part = await parts.ReadNextAsync(timeout.Token);
                Assert.NotNull(part);
                var created = part.Read().Header.CreationTime!.Value;
                if (created > answered.AddMilliseconds(500))
                {
                    Assert.True(created >= posted.AddSeconds(3), $"a part made at {created:O}, during the stall from {posted:O}");
                    break;
                }
            }
        }
    }
}
