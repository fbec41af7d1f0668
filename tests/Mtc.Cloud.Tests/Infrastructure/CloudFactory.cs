using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Tests.Infrastructure;

/// <summary>The real cloud <c>Program</c> over a given database, with settings for the test.</summary>
public sealed class CloudFactory(DatabaseTarget db, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    : WebApplicationFactory<Program>
{
    public DatabaseTarget Database => db;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("db", db.Backend == "sqlite" ? "sqlite:" + db.ConnectionString : db.ConnectionString);
        builder.UseSetting("Cloud:KeyCacheSeconds", "0");
        builder.UseSetting("Cloud:RateLimitPerSecond", "100000");
        builder.UseSetting("Cloud:RateLimitBurst", "100000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    /// <summary>A client that sends the given key as a bearer token (none when null).</summary>
    public HttpClient ClientWith(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    public async Task<string> NewKeyAsync(string tenant, params string[] scopes) =>
        (await ApiKeyAdmin.CreateAsync(db, tenant, scopes, "test", TimeProvider.System, CancellationToken.None)).Key;
}
