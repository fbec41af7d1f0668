using Microsoft.Extensions.Logging.Abstractions;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;

namespace Mtc.Edge.Tests.Outbox;

/// <summary>The outbox figures of <c>/api/status</c> and <c>/metrics</c>: counted in the background, never by a request.</summary>
public sealed class OutboxStatsCacheTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_outbox_figures_follow_appends_within_the_refresh_interval_without_a_reader_counting()
    {
        using var store = OutboxStore.Open(_dir.Path, 1L << 30, "NORMAL");
        var cache = new OutboxStatsCache(store, TimeProvider.System);
        var first = cache.Count();
        Assert.Equal(0, first.Stats.Records);

        using var refresher = new OutboxStatsRefresher(cache, TimeProvider.System, NullLogger<OutboxStatsRefresher>.Instance);
        await refresher.StartAsync(CancellationToken.None);
        try
        {
            store.Append("s", new SourceCursor("1", 11), [.. Enumerable.Range(1, 10).Select(i =>
                new OutboxEntry("observation", "M1", i, true, System.Text.Encoding.UTF8.GetBytes($$"""{"kind":"observation","sequence":{{i}}}""")))]);
            // Nobody asks for a count: the refresher's next one shows the new records (every 500 ms; allow for a loaded machine).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (cache.Get().Records != 10 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.Equal(10, cache.Get().Records);
            Assert.Equal(10, cache.Get().LastSeq);
            Assert.True(cache.CountedAt > first.At);

            // And it keeps counting.
            var counted = cache.CountedAt;
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (cache.CountedAt == counted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.True(cache.CountedAt > counted);
        }
        finally
        {
            await refresher.StopAsync(CancellationToken.None);
        }
    }
}
