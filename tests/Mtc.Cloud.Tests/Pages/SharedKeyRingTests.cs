using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mtc.Cloud.DataProtection;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Pages;

/// <summary>
/// Replicas share sign-ins through the database: real cloud processes, each with a home folder of its own (where ASP.NET
/// would keep a key ring per process), accept each other's sign-in cookie, and a cookie outlives a restart on a fresh disk.
/// </summary>
public abstract class SharedKeyRingTests(IBackend backend) : IAsyncLifetime
{
    private readonly List<string> _homes = [];
    private DatabaseTarget _db = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _db = await backend.NewDatabaseAsync();
        await using (var store = _db.Open())
        {
            await store.MigrateAsync(CancellationToken.None);
        }
        _key = (await ApiKeyAdmin.CreateAsync(_db, "acme", ["ui:read"], "test", TimeProvider.System, CancellationToken.None)).Key;
    }

    public Task DisposeAsync()
    {
        foreach (var home in _homes)
        {
            Directory.Delete(home, recursive: true);
        }
        (backend as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_hosts_started_at_once_accept_each_others_sign_in_cookie()
    {
        var hosts = await Task.WhenAll(StartAsync(), StartAsync());
        await using var a = hosts[0];
        await using var b = hosts[1];

        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            var cookie = await SignInAsync(from);
            await AssertSignedInAsync(to, cookie);
            await AssertSignedInAsync(from, cookie);
        }
        Assert.All(_homes, home => Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), "a key ring in " + home));
    }

    [Fact]
    public async Task A_cookie_issued_before_a_restart_on_a_fresh_disk_is_accepted_after_it()
    {
        string cookie;
        await using (var before = await StartAsync())
        {
            cookie = await SignInAsync(before);
            await AssertSignedInAsync(before, cookie);
        }
        await using var after = await StartAsync();
        await AssertSignedInAsync(after, cookie);
    }

    [Fact]
    public async Task A_key_another_host_made_after_this_one_read_the_ring_is_read_when_its_cookie_arrives()
    {
        await using var a = await StartAsync(); // made the first key and keeps the ring it read
        // A second first key, as a host starting at the same moment makes one when it found none yet.
        var other = await AddKeyAsync();
        await using var b = await StartAsync(); // protects with the newest key
        var cookie = await SignInAsync(b);
        Assert.Equal(other, KeyIdOf(cookie));
        await AssertSignedInAsync(a, cookie);
    }

    [Fact]
    public async Task A_made_up_or_altered_cookie_is_refused()
    {
        await using var host = await StartAsync();
        var cookie = await SignInAsync(host);
        var value = cookie["mtc_session=".Length..];
        var altered = "mtc_session=" + value[..^4] + (value[^4..] == "AAAA" ? "BBBB" : "AAAA");
        using var client = Client(host, altered);
        using var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        using var read = await client.GetAsync("/api/ext/machines");
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
    }

    /// <summary>Makes a key in the database's ring through ASP.NET's own key manager, as a cloud host does; answers its id.</summary>
    private async Task<Guid> AddKeyAsync()
    {
        var store = _db.Open();
        await using (store)
        {
            var services = new ServiceCollection().AddLogging();
            services.AddDataProtection().SetApplicationName(DataProtectionSetup.ApplicationName);
            services.Configure<KeyManagementOptions>(o =>
                o.XmlRepository = new DatabaseXmlRepository(store, TimeProvider.System, NullLogger<DatabaseXmlRepository>.Instance));
            await using var provider = services.BuildServiceProvider();
            var now = DateTimeOffset.UtcNow;
            return provider.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90)).KeyId;
        }
    }

    /// <summary>The key a cookie was protected with: ASP.NET's payload is a 4-byte header, then the key's id.</summary>
    private static Guid KeyIdOf(string cookie) => new(WebEncoders.Base64UrlDecode(cookie["mtc_session=".Length..]).AsSpan(4, 16));

    /// <summary>A cloud process whose HOME is a new empty folder.</summary>
    private Task<CloudProcess> StartAsync()
    {
        var home = Directory.CreateTempSubdirectory("mtc-home-").FullName;
        lock (_homes)
        {
            _homes.Add(home);
        }
        return CloudProcess.StartAsync(_db, new Dictionary<string, string> { ["HOME"] = home });
    }

    /// <summary>Signs in with the key through the form and answers the session cookie (<c>mtc_session=...</c>).</summary>
    private async Task<string> SignInAsync(CloudProcess host)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sign-in") { Content = new FormUrlEncodedContent([new("key", _key)]) };
        request.Headers.Add("Origin", host.Address.GetLeftPart(UriPartial.Authority));
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {response.StatusCode}:\n{host.Output}");
        return Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';')[0];
    }

    /// <summary>The fleet page and an <c>ext:read</c> GET answer the cookie as a signed-in person's.</summary>
    private static async Task AssertSignedInAsync(CloudProcess host, string cookie)
    {
        using var client = Client(host, cookie);
        using var page = await client.GetAsync("/");
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"the fleet page answered {page.StatusCode} ({page.Headers.Location}):\n{host.Output}");
        Assert.Contains("/assets/fleet.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var read = await client.GetAsync("/api/ext/machines");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    private static HttpClient Client(CloudProcess host, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}

public sealed class SharedKeyRingTests_Sqlite() : SharedKeyRingTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class SharedKeyRingTests_Postgres(PostgresServer server) : SharedKeyRingTests(new PostgresBackend(server));
