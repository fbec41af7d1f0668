using System.Net;
using System.Text.Json;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Observability;

/// <summary>
/// The PostgreSQL server stops under a running cloud process: every route answers 503 with Retry-After and a
/// database-unavailable problem (never 500), liveness stays 200, and once the server is back the batch sent during the
/// outage is accepted on retry and stored exactly once. Its own server, since the test stops it.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Database_outage_answers_503_with_Retry_After_and_the_batch_is_stored_once_after_recovery()
    {
        await using var postgres = await ThrowawayPostgres.StartAsync(durable: false);
        var db = DatabaseTarget.Parse(postgres.ConnectionString());
        await using (var store = db.Open())
        {
            await store.MigrateAsync(CancellationToken.None);
        }
        var edgeKey = (await ApiKeyAdmin.CreateAsync(db, "acme", ["edge:ingest"], "test", TimeProvider.System, CancellationToken.None)).Key;
        var readKey = (await ApiKeyAdmin.CreateAsync(db, "acme", ["ext:read"], "test", TimeProvider.System, CancellationToken.None)).Key;
        await using var cloud = await CloudProcess.StartAsync(db, "--Cloud:DatabaseRetryAfterSeconds", "3", "--Cloud:ReadyTimeoutSeconds", "2");
        using var edge = cloud.ClientWith(edgeKey);
        using var reader = cloud.ClientWith(readKey);
        using var anonymous = new HttpClient { BaseAddress = cloud.Address };

        Assert.Equal(10, (await Batches.PostOkAsync(edge, Batches.Observations("e1", "s1", 1, 10))).Accepted);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        await postgres.StopAsync();

        var duringOutage = Batches.Observations("e1", "s1", 11, 25);
        using (var ingest = await Batches.PostAsync(edge, duringOutage))
        {
            await UnavailableAsync(ingest);
        }
        using (var read = await reader.GetAsync("/api/ext/machines/m1/observations"))
        {
            await UnavailableAsync(read);
        }
        using (var ready = await anonymous.GetAsync("/health/ready"))
        {
            await UnavailableAsync(ready);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        var health = await Batches.GetJsonAsync(anonymous, "/api/ext/health");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal("unavailable", health.GetProperty("database").GetString());
        Assert.Contains("mtc_cloud_ready{otel_scope_name=\"Mtc.Cloud\"} 0", await anonymous.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.False(cloud.HasExited, cloud.Output);

        await postgres.RestartAsync();

        // The edge retries the 503 after Retry-After; pooled connections cut by the shutdown may fail one more round.
        var resent = await RetryUntilOkAsync(() => Batches.PostAsync(edge, duringOutage));
        Assert.Equal(15, JsonDocument.Parse(resent).RootElement.GetProperty("accepted").GetInt32());
        var again = await Batches.PostOkAsync(edge, duringOutage);
        Assert.Equal((0, 15, 25L), (again.Accepted, again.Skipped, again.Hwm));
        var stored = await Batches.AllObservationsAsync(reader, "m1");
        Assert.Equal(Enumerable.Range(1, 25).Select(i => "v" + i).Order(StringComparer.Ordinal),
            stored.Select(o => o.GetProperty("value").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.DoesNotContain(" 500 ", cloud.Output, StringComparison.Ordinal);
    }

    private static async Task UnavailableAsync(HttpResponseMessage response)
    {
        var problem = await Batches.ProblemAsync(response, 503, "database-unavailable");
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal(3, problem.GetProperty("retryAfterSeconds").GetInt32());
    }

    private static async Task<string> RetryUntilOkAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await send();
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                return text;
            }
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline, $"{(int)response.StatusCode}: {text}");
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }
}
