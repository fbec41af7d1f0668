using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Mtc.Cloud.Events;
using Mtc.Cloud.Tests.Infrastructure;
using Npgsql;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// A real cloud process killed in the middle of an event request (after it took the Idempotency-Key, before it
/// stored the response): the key answers 409 with Retry-After until its lease ends, then a retry on another host
/// over the same PostgreSQL stores the event, once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class IdempotencyKillTests(PostgresServer server) : ApiTestBase(new PostgresBackend(server))
{
    private const int LeaseSeconds = 300;
    private const string Body = """{"machineId":"m1","type":"scrap","timestamp":"2026-11-27T08:00:00Z","data":{"parts":1}}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ShiftedClock _clock = new();

    protected override TimeProvider? Clock => _clock;

    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Cloud:IdempotencyInFlightLeaseSeconds"] = LeaseSeconds.ToString(CultureInfo.InvariantCulture) };

    [Fact]
    public async Task A_cloud_killed_mid_request_leaves_its_key_in_flight_until_the_lease_then_one_retry_stores_the_event()
    {
        using (var setup = await Edge.PostAsync("/api/ext/setup", new StringContent("""{"edgeId":"plant-1","machines":["m1"]}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        }

        using var child = StartCloud();
        try
        {
            await KillMidRequestAsync(child);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }

        // The dead request's key: taken, unanswered.
        using (var early = await PostAsync("killed-1"))
        {
            await Batches.ProblemAsync(early, 409, "idempotency-in-flight");
            var wait = long.Parse(Assert.Single(early.Headers.GetValues("Retry-After")), NumberStyles.None, CultureInfo.InvariantCulture);
            Assert.InRange(wait, 1, LeaseSeconds);
        }
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM events WHERE type = 'scrap'"));

        _clock.Advance(TimeSpan.FromSeconds(LeaseSeconds + 1));
        using (var retry = await PostAsync("killed-1"))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.False(retry.Headers.Contains(ExternalEventApi.ReplayedHeader));
        }
        using (var replay = await PostAsync("killed-1"))
        {
            Assert.Equal("true", Assert.Single(replay.Headers.GetValues(ExternalEventApi.ReplayedHeader)));
        }
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM events WHERE type = 'scrap'"));
    }

    private async Task KillMidRequestAsync(Process child)
    {
        var uri = await ListeningOnAsync(child);

        // Hold the event counter table: the child's request takes its key, then waits inside its transaction.
        await using var holder = new NpgsqlConnection(Db.ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await ExecAsync(holder, "LOCK TABLE tenant_counters IN EXCLUSIVE MODE", hold);

        using var client = new HttpClient { BaseAddress = uri, Timeout = Patience };
        client.DefaultRequestHeaders.Authorization = Writer.DefaultRequestHeaders.Authorization;
        using var request = new HttpRequestMessage(HttpMethod.Post, ExternalEventApi.Route) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", "killed-1");
        var pending = client.SendAsync(request);

        await WaitUntilAsync(async () => await CountAsync(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'tenant_counters' AND NOT l.granted") > 0,
            "the child's request waiting for the event counter");
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM idempotency WHERE key = 'killed-1' AND status IS NULL"));

        child.Kill(entireProcessTree: true);
        Assert.True(child.WaitForExit(60_000));
        await Assert.ThrowsAnyAsync<Exception>(() => pending);
        await hold.RollbackAsync();
    }

    private async Task<HttpResponseMessage> PostAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ExternalEventApi.Route) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return await Writer.SendAsync(request);
    }

    private Process StartCloud()
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Mtc.Cloud.dll"), "--db", Db.ConnectionString, "--urls", "http://127.0.0.1:0" })
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Process.Start(psi)!;
    }

    private static async Task<Uri> ListeningOnAsync(Process child)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var output = new StringBuilder();
        while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.AppendLine(line);
            if (Listening().Match(line) is { Success: true } m)
            {
                // Keep draining the output so that the child never blocks on a full pipe.
                _ = child.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = child.StandardError.ReadToEndAsync(CancellationToken.None);
                return new Uri(m.Groups[1].Value);
            }
        }

        throw new InvalidOperationException($"the cloud ended before listening:\n{output}\n{await child.StandardError.ReadToEndAsync(CancellationToken.None)}");
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var c = new NpgsqlConnection(Db.ConnectionString);
        await c.OpenAsync();
        await using var command = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(NpgsqlConnection c, string sql, NpgsqlTransaction tx)
    {
        await using var command = new NpgsqlCommand(sql, c, tx);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not seen within {Patience}: {what}");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"Now listening on:\s+(http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
