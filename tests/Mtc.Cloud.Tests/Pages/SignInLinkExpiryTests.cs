using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Pages;

/// <summary>A one-time sign-in link lasts 10 minutes on the cloud's clock.</summary>
public abstract class SignInLinkExpiryTests(IBackend backend) : ApiTestBase(backend)
{
    private readonly ShiftedClock _clock = new();

    protected override TimeProvider? Clock => _clock;

    private async Task<string> LinkAsync()
    {
        using var created = await Admin.PostAsync("/api/ext/sign-in-links", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return new Uri(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString()!).AbsolutePath;
    }

    [Fact]
    public async Task A_link_works_at_9_minutes_and_not_after_10()
    {
        var early = await LinkAsync();
        var late = await LinkAsync();
        _clock.Advance(TimeSpan.FromMinutes(9));
        using var first = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using (var used = await first.GetAsync(early))
        {
            Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        }
        _clock.Advance(TimeSpan.FromMinutes(1.5));
        using var expired = await first.GetAsync(late);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.False(expired.Headers.Contains("Set-Cookie"));
        Assert.Contains("it expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class SignInLinkExpiryTests_Sqlite() : SignInLinkExpiryTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class SignInLinkExpiryTests_Postgres(PostgresServer server) : SignInLinkExpiryTests(new PostgresBackend(server));
