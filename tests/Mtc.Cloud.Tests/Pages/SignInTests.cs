using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Pages;

/// <summary>Sign-in with an API key, the session cookie it sets, and what the cookie may and may not reach.</summary>
public abstract class SignInTests(IBackend backend) : ApiTestBase(backend)
{
    private HttpClient Browser() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, string? origin = "http://localhost")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sign-in") { Content = new FormUrlEncodedContent([new("key", key)]) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Unauthenticated_pages_redirect_to_the_sign_in_form()
    {
        using var client = Browser();
        using var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/sign-in", root.Headers.Location!.OriginalString);
        using var form = await client.GetAsync("/sign-in");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\" action=\"/sign-in\">", html, StringComparison.Ordinal);
        Assert.Contains("name=\"key\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ui:read")]
    [InlineData("ext:read")]
    [InlineData("admin")]
    public async Task A_key_that_may_read_gets_a_strict_http_only_cookie_for_12_hours(string scope)
    {
        using var client = Browser();
        using var signIn = await SignInAsync(client, await Factory.NewKeyAsync("acme", scope));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("mtc_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
        var expires = DateTimeOffset.Parse(cookie.Split(';').Single(p => p.Trim().StartsWith("expires=", StringComparison.OrdinalIgnoreCase)).Trim()[8..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(11.9), TimeSpan.FromHours(12.1));
        using var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Contains("/assets/fleet.js", await root.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edge:ingest")]
    [InlineData("ext:write")]
    [InlineData("wrong")]
    public async Task A_wrong_key_or_one_that_may_not_read_gets_the_form_again_with_a_message_and_no_cookie(string scope)
    {
        using var client = Browser();
        var key = scope == "wrong" ? (await Factory.NewKeyAsync("acme", "ui:read"))[..^2] + "xx" : await Factory.NewKeyAsync("acme", scope);
        using var signIn = await SignInAsync(client, key);
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.False(signIn.Headers.Contains("Set-Cookie"));
        Assert.Contains("That API key is not valid", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
    }

    [Fact]
    public async Task A_form_post_from_another_site_does_not_sign_in()
    {
        using var client = Browser();
        using var signIn = await SignInAsync(client, await Factory.NewKeyAsync("acme", "ui:read"), origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        Assert.False(signIn.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_cookie_reads_the_own_tenants_machines_and_edges_and_is_refused_by_write_endpoints()
    {
        await Fleet.PostAsync(Edge, [new("m1", "ACTIVE", "O1", 5), new("m2", "IDLE", "O2", 7)], 1, DateTimeOffset.UtcNow);
        await Fleet.PostAsync(OtherTenant, [new("g1", "ALARM", "G1", 1)], 1, DateTimeOffset.UtcNow);
        using var client = Browser();
        using (var signIn = await SignInAsync(client, await Factory.NewKeyAsync("acme", "ui:read")))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        var machines = await Batches.GetJsonAsync(client, "/api/ext/machines");
        Assert.Equal(["m1", "m2"], machines.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(["ACTIVE", "IDLE"], machines.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("status").GetString()));
        var edges = await Batches.GetJsonAsync(client, "/api/ext/edges");
        Assert.Equal(["plant-1"], edges.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()));

        // Writes authenticate the API key alone: the cookie is as good as nothing there.
        var body = JsonSerializer.Serialize(new { machineId = "m1", type = "downtime_reason", timestamp = "2026-11-27T08:00:00Z", data = new { } });
        foreach (var (path, json) in new[] { ("/api/ext/event", body), ("/api/ext/setup", """{"edgeId":"x","machines":["m9"]}"""), ("/api/ext/data", "{}") })
        {
            using var write = await client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        }
        Assert.Equal(2, (await Batches.GetJsonAsync(Reader, "/api/ext/machines")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Sign_out_clears_the_cookie()
    {
        using var client = Browser();
        using (await SignInAsync(client, await Factory.NewKeyAsync("acme", "ui:read")))
        {
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sign-out");
        request.Headers.Add("Origin", "http://localhost");
        using var signOut = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        using var read = await client.GetAsync("/api/ext/machines");
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
    }

    [Fact]
    public async Task A_key_in_the_url_does_not_sign_in()
    {
        using var client = Browser();
        var key = await Factory.NewKeyAsync("acme", "ui:read");
        using var get = await client.GetAsync("/sign-in?key=" + Uri.EscapeDataString(key));
        Assert.False(get.Headers.Contains("Set-Cookie"));
        using var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
    }

    [Fact]
    public async Task A_sign_in_link_from_an_admin_key_works_once_for_its_tenant_with_ui_read()
    {
        await Fleet.PostAsync(Edge, [new("m1", "ACTIVE", "O1", 5)], 1, DateTimeOffset.UtcNow);
        using (var refused = await Reader.PostAsync("/api/ext/sign-in-links", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using var created = await Admin.PostAsync("/api/ext/sign-in-links", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var url = new Uri(link.GetProperty("url").GetString()!);
        Assert.StartsWith("/sign-in/once/", url.AbsolutePath, StringComparison.Ordinal);
        Assert.InRange(link.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9.9), TimeSpan.FromMinutes(10.1));

        using var client = Browser();
        using (var used = await client.GetAsync(url.AbsolutePath))
        {
            Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
            Assert.Contains("mtc_session=", Assert.Single(used.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        }
        var machines = await Batches.GetJsonAsync(client, "/api/ext/machines");
        Assert.Equal(["m1"], machines.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        using var second = Browser();
        using var again = await second.GetAsync(url.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.False(again.Headers.Contains("Set-Cookie"));
        using var made = await second.GetAsync("/sign-in/once/not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, made.StatusCode);
    }

    [Fact]
    public async Task A_ui_read_key_reads_nothing_through_the_api_by_itself()
    {
        using var key = Factory.ClientWith(await Factory.NewKeyAsync("acme", "ui:read"));
        foreach (var path in new[] { "/api/ext/machines", "/api/ext/edges", "/api/ext/events" })
        {
            using var response = await key.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }
}

public sealed class SignInTests_Sqlite() : SignInTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class SignInTests_Postgres(PostgresServer server) : SignInTests(new PostgresBackend(server));
