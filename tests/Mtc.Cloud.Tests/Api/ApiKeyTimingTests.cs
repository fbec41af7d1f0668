using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// An unknown key id answered about 0.8 ms slower than a known id with a wrong secret: the known id came from the key
/// cache and was hashed, the unknown one went to the database every time and was not hashed. Both paths now do the
/// same work: one cached lookup (the absence of an id is cached like a row) and one hash of the presented secret.
/// Checked by the mechanism, not by a clock, so that a busy machine cannot make it flaky.
/// </summary>
public abstract class ApiKeyTimingTests(IBackend backend) : ApiTestBase(backend)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Cloud:KeyCacheSeconds"] = "60" };

    private async Task<HttpStatusCode> StatusWithAsync(string key)
    {
        using var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.GetAsync("/api/ext/machines");
        return response.StatusCode;
    }

    [Fact]
    public async Task An_unknown_key_id_is_not_looked_up_in_the_database_again_within_the_cache_period_like_a_known_one()
    {
        var (id, key, hash) = ApiKeyFormat.Generate();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(key));

        // The id appears in the database now; within the cache period the host answers from what it looked up before,
        // as it does for a known id (no database round trip on either path).
        await using (var store = Db.Open())
        {
            await store.CreateKeyAsync(new ApiKeyRow(id, "acme", "late", ["ext:read"], hash, DateTimeOffset.UtcNow, null), CancellationToken.None);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(key));

        var known = await Factory.NewKeyAsync("acme", "ext:read");
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(known));
        ApiKeyFormat.TryParse(known, out var knownId, out _);
        await using (var store = Db.Open())
        {
            Assert.True(await store.RevokeKeyAsync(knownId, DateTimeOffset.UtcNow, CancellationToken.None));
        }
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(known));
    }

    [Fact]
    public async Task An_unknown_key_id_and_a_known_id_with_a_wrong_secret_each_cost_exactly_one_hash()
    {
        var verifier = Factory.Services.GetRequiredService<ApiKeyVerifier>();
        var known = await Factory.NewKeyAsync("acme", "ext:read");
        ApiKeyFormat.TryParse(known, out var knownId, out _);
        ApiKeyFormat.TryParse(ApiKeyFormat.Generate().Key, out _, out var otherSecret);
        var wrongSecret = $"mtc_{knownId}_{otherSecret}";
        var unknownId = ApiKeyFormat.Generate().Key;

        foreach (var (key, expected) in new[] { (unknownId, HttpStatusCode.Unauthorized), (wrongSecret, HttpStatusCode.Unauthorized), (known, HttpStatusCode.OK) })
        {
            var before = verifier.HashesComputed;
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(expected, await StatusWithAsync(key));
            }
            Assert.Equal(20, verifier.HashesComputed - before);
        }
    }
}

public sealed class ApiKeyTimingTests_Sqlite() : ApiKeyTimingTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class ApiKeyTimingTests_Postgres(PostgresServer server) : ApiKeyTimingTests(new PostgresBackend(server));
