using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Mtc.Cloud.Events;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Npgsql;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// An Idempotency-Key whose request failed or died: a failure frees the key at once; a claim left unanswered (the
/// process died between taking the key and storing the response) answers 409 with Retry-After until its lease
/// ends, then exactly one retry takes it over and stores the event.
/// </summary>
public abstract class IdempotencyLeaseTests(IBackend backend) : ApiTestBase(backend)
{
    private const int LeaseSeconds = 60;
    private const string Body = """{"machineId":"m1","type":"scrap","timestamp":"2026-11-27T08:00:00Z","data":{"parts":2}}""";
    private readonly ShiftedClock _clock = new();

    protected override TimeProvider? Clock => _clock;

    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Cloud:IdempotencyInFlightLeaseSeconds"] = LeaseSeconds.ToString(CultureInfo.InvariantCulture) };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var setup = await Edge.PostAsync("/api/ext/setup",
            new StringContent("""{"edgeId":"plant-1","machines":["m1"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(string key, string body = Body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ExternalEventApi.Route)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await Writer.SendAsync(request);
    }

    /// <summary>What a request that dies after taking its key leaves behind: the key row, claimed now, without a response.</summary>
    private async Task LeaveClaimAsync(string key)
    {
        var store = Db.Open();
        await using (store)
        {
            var now = _clock.GetUtcNow();
            var begin = await store.BeginIdempotentAsync("acme", key, ExternalEventApi.Fingerprint(ExternalEventApi.Route, JsonDocument.Parse(Body).RootElement),
                now, now.AddHours(-24), now.AddSeconds(-LeaseSeconds), CancellationToken.None);
            Assert.Equal(IdempotencyState.Started, begin.State);
        }
    }

    private async Task<List<JsonElement>> StoredEventsAsync() =>
        [.. (await Batches.GetJsonAsync(Reader, "/api/ext/events?type=scrap")).GetProperty("items").EnumerateArray()];

    private static async Task<long> InFlightAsync(HttpResponseMessage response)
    {
        var problem = await Batches.ProblemAsync(response, 409, "idempotency-in-flight");
        // Retry-After is short (the first request usually ends within it); the lease's end is said apart.
        var header = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.Equal(1, long.Parse(header, NumberStyles.None, CultureInfo.InvariantCulture));
        Assert.Equal(1, problem.GetProperty("retryAfterSeconds").GetInt64());
        return problem.GetProperty("leaseEndsInSeconds").GetInt64();
    }

    [Fact]
    public async Task A_claim_left_by_a_dead_request_is_409_with_Retry_After_until_its_lease_ends_then_the_retry_stores_the_event()
    {
        await LeaveClaimAsync("crashed-1");

        using (var before = await PostAsync("crashed-1"))
        {
            var wait = await InFlightAsync(before);
            Assert.InRange(wait, 1, LeaseSeconds);
        }
        _clock.Advance(TimeSpan.FromSeconds(LeaseSeconds / 2));
        using (var half = await PostAsync("crashed-1"))
        {
            Assert.InRange(await InFlightAsync(half), 1, LeaseSeconds / 2);
        }
        Assert.Empty(await StoredEventsAsync());

        _clock.Advance(TimeSpan.FromSeconds(LeaseSeconds / 2 + 1));
        using var after = await PostAsync("crashed-1");
        var text = await after.Content.ReadAsStringAsync();
        Assert.True(after.StatusCode == HttpStatusCode.OK, text);
        Assert.False(after.Headers.Contains(ExternalEventApi.ReplayedHeader));
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString();

        // The key is now an ordinary answered one: replayed, and still refused for another body.
        using var replay = await PostAsync("crashed-1");
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues(ExternalEventApi.ReplayedHeader).Single());
        Assert.Equal(id, JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
        using var other = await PostAsync("crashed-1", Body.Replace("\"parts\":2", "\"parts\":3", StringComparison.Ordinal));
        await Batches.ProblemAsync(other, 422, "idempotency-key-reused");

        var stored = Assert.Single(await StoredEventsAsync());
        Assert.Equal(id, stored.GetProperty("id").GetString());
        Assert.Equal(2, stored.GetProperty("data").GetProperty("parts").GetInt32());
    }

    [Fact]
    public async Task Concurrent_retries_after_the_lease_store_the_event_once()
    {
        await LeaveClaimAsync("crashed-2");
        _clock.Advance(TimeSpan.FromSeconds(LeaseSeconds + 1));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync("crashed-2")));
        try
        {
            var fresh = responses.Where(r => r.StatusCode == HttpStatusCode.OK && !r.Headers.Contains(ExternalEventApi.ReplayedHeader)).ToList();
            var winner = Assert.Single(fresh);
            var id = JsonDocument.Parse(await winner.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
            foreach (var r in responses.Where(r => r != winner))
            {
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Equal(id, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
                }
                else
                {
                    // The losers saw the winner's fresh claim: a whole lease to wait at most.
                    Assert.InRange(await InFlightAsync(r), 1, LeaseSeconds);
                }
            }
            Assert.Equal(id, Assert.Single(await StoredEventsAsync()).GetProperty("id").GetString());
        }
        finally
        {
            foreach (var r in responses)
            {
                r.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_request_that_fails_frees_its_key_so_that_the_retry_runs_at_once()
    {
        // A real database error inside the request: the events table is not there while it runs.
        await ExecAsync("ALTER TABLE events RENAME TO events_away");
        using (var failed = await PostAsync("fails-once"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }
        await ExecAsync("ALTER TABLE events_away RENAME TO events");

        using var retry = await PostAsync("fails-once");
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.False(retry.Headers.Contains(ExternalEventApi.ReplayedHeader));
        Assert.Single(await StoredEventsAsync());
    }

    private async Task ExecAsync(string sql)
    {
        DbConnection c = Db.Backend == "sqlite"
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Db.ConnectionString, Pooling = false }.ToString())
            : new NpgsqlConnection(Db.ConnectionString);
        await using (c)
        {
            await c.OpenAsync();
            await using var command = c.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
        if (Db.Backend == "sqlite")
        {
            // The host's pooled connections cached the old schema; new ones read the renamed table.
            SqliteConnection.ClearAllPools();
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
        }
    }
}

public sealed class IdempotencyLeaseTests_Sqlite() : IdempotencyLeaseTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class IdempotencyLeaseTests_Postgres(PostgresServer server) : IdempotencyLeaseTests(new PostgresBackend(server));
