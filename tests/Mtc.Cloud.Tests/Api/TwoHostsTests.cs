using Mtc.Core.Wire;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

/// <summary>Stateless scale-out: two cloud hosts over one PostgreSQL database take batches of one stream.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoHostsTests(PostgresServer server) : ApiTestBase(new PostgresBackend(server))
{
    [Fact]
    public async Task Interleaved_and_retried_batches_through_two_hosts_lose_and_duplicate_nothing()
    {
        await using var second = new CloudFactory(Db);
        var key = await Factory.NewKeyAsync("acme", "edge:ingest");
        var hosts = new[] { Factory.ClientWith(key), second.ClientWith(key) };

        // Three streams at once. Per stream one batch is in flight at a time (as the edge sends them), but every
        // batch goes to both hosts at once (a retry racing its original), consecutive batches start at the
        // other host, and each overlaps the previous one by 5 records (a resend after a lost answer).
        const int batches = 40, size = 25, total = batches * size;
        string[] streams = ["s1", "s2", "s3"];
        async Task<int> SendStreamAsync(string stream, string machine)
        {
            var accepted = 0;
            for (var b = 0; b < batches; b++)
            {
                var batch = Batches.Observations("plant-1", stream, Math.Max(1, (b * size) - 4), (b + 1) * size, machine, items: 7);
                var pair = await Task.WhenAll(Batches.PostOkAsync(hosts[b % 2], batch), Batches.PostOkAsync(hosts[(b + 1) % 2], batch));
                Assert.All(pair, r => Assert.Equal((b + 1) * size, r.Hwm));
                accepted += pair.Sum(r => r.Accepted);
            }
            return accepted;
        }
        var accepted = await Task.WhenAll(streams.Select((s, i) => SendStreamAsync(s, "m" + (i + 1))));

        Assert.All(accepted, a => Assert.Equal(total, a));
        var edge = await Batches.GetJsonAsync(Reader, "/api/ext/edges/plant-1");
        Assert.Equal(streams, edge.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("streamId").GetString()));
        foreach (var (stream, i) in streams.Select((s, i) => (s, i)))
        {
            var stored = await Batches.AllObservationsAsync(Reader, "m" + (i + 1), pageSize: 333);
            Assert.Equal(Enumerable.Range(1, total).Select(n => "v" + n), stored.Select(o => o.GetProperty("value").GetString()));
            var row = edge.GetProperty("streams")[i];
            Assert.Equal(total, row.GetProperty("hwm").GetInt64());
            Assert.Equal(total, row.GetProperty("recordsReceived").GetInt64());
        }
        foreach (var h in hosts)
        {
            h.Dispose();
        }
    }

    [Fact]
    public async Task Two_hosts_starting_on_one_new_database_migrate_it_once()
    {
        var db = await Backend.NewDatabaseAsync();
        await using var a = new CloudFactory(db);
        await using var b = new CloudFactory(db);
        var starts = await Task.WhenAll(Task.Run(() => a.CreateClient()), Task.Run(() => b.CreateClient()));
        foreach (var client in starts)
        {
            var health = await Batches.GetJsonAsync(client, "/api/ext/health");
            Assert.Equal("postgres", health.GetProperty("storage").GetString());
            client.Dispose();
        }
        var store = db.Open();
        await using (store)
        {
            Assert.Empty(await store.MigrateAsync(CancellationToken.None));
        }
    }
}
