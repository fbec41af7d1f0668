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
