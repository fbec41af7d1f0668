namespace Mtc.Simulator.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task Restart_changes_the_instanceId_and_starts_the_sequence_again()
    {
        await using var agent = await TestAgent.GenerateAsync(2, speed: 50);
        var before = await agent.WaitForCurrentAsync(d => d.Header().Attr("nextSequence") > 400);
        var items = (await agent.GetOkAsync("probe")).Root!.Named("DataItem").Count();

        using var restart = await agent.Http.PostAsync("_sim/restart", null);
        restart.EnsureSuccessStatusCode();
        var after = await agent.GetOkAsync("sample?from=1&count=1000");

        Assert.NotEqual(before.Header().Attr("instanceId"), after.Header().Attr("instanceId"));
        Assert.Equal(1, after.Header().Attr("firstSequence"));
        var sequences = after.Observations().Select(o => o.Attr("sequence")).Order().ToList();
        Assert.Equal(1, sequences[0]);
        // The restarted agent starts with every data item UNAVAILABLE, like an agent that just started.
        Assert.All(after.Observations().Where(o => o.Attr("sequence") <= items), o =>
            Assert.True(o.Value == "UNAVAILABLE" || o.Name.LocalName == "Unavailable", o.ToString()));
        Assert.True(after.Header().Attr("nextSequence") < before.Header().Attr("nextSequence"));
    }

    [Fact]
    public async Task Restart_and_drop_cut_open_streams()
    {
        await using var agent = await TestAgent.GenerateAsync(1);
        foreach (var fault in new[] { "_sim/drop", "_sim/restart" })
        {
            using var response = await agent.Http.GetAsync("sample?interval=100&heartbeat=200", HttpCompletionOption.ResponseHeadersRead);
            var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[4096];
            Assert.True(await stream.ReadAsync(buffer) > 0);

            using var post = await agent.Http.PostAsync(fault, null);
            post.EnsureSuccessStatusCode();

            using var timeout = new CancellationTokenSource(TestAgent.Patience);
            var cut = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                while (await stream.ReadAsync(buffer, timeout.Token) > 0)
                {
                }
            });
            Assert.IsNotType<OperationCanceledException>(cut);
        }
    }

    [Fact]
    public async Task A_stalled_stream_sends_nothing_not_even_heartbeats_then_resumes()
    {
        await using var agent = await TestAgent.GenerateAsync(2);
        using var response = await agent.Http.GetAsync("sample?interval=50&heartbeat=100", HttpCompletionOption.ResponseHeadersRead);
        var boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;
        var parts = new PartReader(await response.Content.ReadAsStreamAsync(), boundary);
        using var timeout = new CancellationTokenSource(TestAgent.Patience);
        Assert.NotNull(await parts.NextAsync(timeout.Token));

        var posted = DateTime.UtcNow;
        using (var stall = await agent.Http.PostAsync("_sim/stall?seconds=3", null))
        {
            stall.EnsureSuccessStatusCode();
        }

        var answered = DateTime.UtcNow;
        // Parts written before the stall may still be on their way; every part made after it ends the stall.
        while (true)
        {
            var part = await parts.NextAsync(timeout.Token);
            Assert.NotNull(part);
            var created = DateTime.Parse(part.Value.Document.Header().Attribute("creationTime")!.Value).ToUniversalTime();
            if (created > answered.AddMilliseconds(500))
            {
                Assert.True(created >= posted.AddSeconds(3), $"a part made at {created:O}, during the stall from {posted:O}");
                break;
            }
        }
    }
}
