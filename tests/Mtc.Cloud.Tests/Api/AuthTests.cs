using System.Net;
using System.Text;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

public abstract class AuthTests(IBackend backend) : ApiTestBase(backend)
{
    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    [InlineData("mtc_0123456789abcdef_wrongsecret")]
    public async Task Without_a_valid_key_every_route_is_a_401(string? key)
    {
        using var client = Factory.ClientWith(key);
        foreach (var url in new[] { "/api/ext/machines", "/api/ext/edges", "/api/ext/events", "/api/ext/cycle-time?machineId=m1" })
        {
            using var response = await client.GetAsync(url);
            await Batches.ProblemAsync(response, 401, "unauthorized");
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        using var post = await Batches.PostAsync(client, Batches.Observations("e", "s", 1, 1));
        await Batches.ProblemAsync(post, 401, "unauthorized");
    }

    [Fact]
    public async Task A_right_id_with_a_wrong_secret_is_a_401()
    {
        var key = await Factory.NewKeyAsync("acme", "ext:read");
        Assert.True(ApiKeyFormat.TryParse(key, out var id, out var secret));
        var forged = $"mtc_{id}_{secret[..^1]}{(secret[^1] == 'A' ? 'B' : 'A')}";
        using var client = Factory.ClientWith(forged);
        using var response = await client.GetAsync("/api/ext/machines");
        await Batches.ProblemAsync(response, 401, "unauthorized");
    }

    [Fact]
    public async Task The_x_api_key_header_works_too()
    {
        var key = await Factory.NewKeyAsync("acme", "ext:read");
        using var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        using var response = await client.GetAsync("/api/ext/machines");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_a_401()
    {
        var key = await Factory.NewKeyAsync("acme", "ext:read");
        using var client = Factory.ClientWith(key);
        using (var ok = await client.GetAsync("/api/ext/machines"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        Assert.True(await ApiKeyAdmin.RevokeAsync(Db, key, TimeProvider.System, CancellationToken.None));
        using var response = await client.GetAsync("/api/ext/machines");
        var problem = await Batches.ProblemAsync(response, 401, "unauthorized");
        Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_without_the_scope_is_a_403()
    {
        // Each 403 names the scope the route needs and those the key has.
        using (var r = await Edge.GetAsync("/api/ext/machines"))
        {
            var problem = await Batches.ProblemAsync(r, 403, "forbidden");
            Assert.Equal(["ext:read"], problem.GetProperty("requiredScopes").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["edge:ingest"], problem.GetProperty("keyScopes").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("needs a key with the scope ext:read", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        using (var r = await Batches.PostAsync(Reader, Batches.Observations("e", "s", 1, 1)))
        {
            var problem = await Batches.ProblemAsync(r, 403, "forbidden");
            Assert.Equal(["edge:ingest"], problem.GetProperty("requiredScopes").EnumerateArray().Select(e => e.GetString()));
        }
        using (var r = await Reader.PostAsync("/api/ext/setup", new StringContent("""{"edgeId":"e","machines":[]}""", Encoding.UTF8, "application/json")))
        {
            var problem = await Batches.ProblemAsync(r, 403, "forbidden");
            Assert.Equal(["edge:ingest", "ext:write"], problem.GetProperty("requiredScopes").EnumerateArray().Select(e => e.GetString()));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event")
        {
            Content = new StringContent("""{"machineId":"m1","type":"note"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "k");
        using var ev = await Edge.SendAsync(request);
        await Batches.ProblemAsync(ev, 403, "forbidden");
        // admin may do everything.
        using var admin = await Admin.GetAsync("/api/ext/machines");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_objects_are_a_404()
    {
        await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 5));
        foreach (var url in new[]
                 {
                     "/api/ext/machines/m1", "/api/ext/machines/m1/cycle-time", "/api/ext/cycle-time?machineId=m1",
                     "/api/ext/machines/m1/observations", "/api/ext/edges/plant-1",
                 })
        {
            using var mine = await Reader.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
            using var theirs = await OtherTenant.GetAsync(url);
            await Batches.ProblemAsync(theirs, 404, "not-found");
        }
        var lists = await Batches.GetJsonAsync(OtherTenant, "/api/ext/machines");
        Assert.Empty(lists.GetProperty("items").EnumerateArray());
        Assert.Empty((await Batches.GetJsonAsync(OtherTenant, "/api/ext/edges")).GetProperty("items").EnumerateArray());
        Assert.Empty((await Batches.GetJsonAsync(OtherTenant, "/api/ext/events")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_same_edge_and_stream_ids_in_two_tenants_have_separate_high_water_marks()
    {
        var otherEdge = Factory.ClientWith(await Factory.NewKeyAsync("globex", "edge:ingest"));
        Assert.Equal(10, (await Batches.PostOkAsync(Edge, Batches.Observations("plant-1", "s1", 1, 10))).Hwm);
        var other = await Batches.PostOkAsync(otherEdge, Batches.Observations("plant-1", "s1", 1, 4));
        Assert.Equal(4, other.Accepted);
        Assert.Equal(4, (await Batches.AllObservationsAsync(OtherTenant, "m1")).Count);
        Assert.Equal(10, (await Batches.AllObservationsAsync(Reader, "m1")).Count);
    }

    [Fact]
    public async Task Health_needs_no_key()
    {
        using var client = Factory.CreateClient();
        var health = await Batches.GetJsonAsync(client, "/api/ext/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(Backend.Name, health.GetProperty("storage").GetString());
    }
}

public sealed class AuthTests_Sqlite() : AuthTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class AuthTests_Postgres(PostgresServer server) : AuthTests(new PostgresBackend(server));
