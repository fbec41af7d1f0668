using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Pages;

/// <summary>
/// One-time sign-in links, so that a key never travels in a URL: an admin key makes one with
/// <c>POST /api/ext/sign-in-links</c>; <c>GET /sign-in/once/{token}</c> works once within <see cref="Lifetime"/> and signs
/// the browser in to the key's tenant with <c>ui:read</c>. Only the SHA-256 of the token is stored.
/// </summary>
internal static class SignInLinks
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public sealed record SignInLink(string Url, DateTimeOffset ExpiresAt);

    public static IEndpointRouteBuilder MapSignInLinks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ext/sign-in-links", CreateAsync).RequireAuthorization(Scopes.Admin).WithTags("Pages")
            .WithName("CreateSignInLink")
            .WithSummary("A one-time link that signs a browser in to the fleet page (ui:read) for 10 minutes");
        app.MapGet("/sign-in/once/{token}", UseAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<Created<SignInLink>> CreateAsync(HttpContext http, ClaimsPrincipal user, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        var link = await IssueAsync(store, $"{http.Request.Scheme}://{http.Request.Host}", user.Tenant(),
            user.FindFirstValue(ApiKeyAuthentication.KeyIdClaim) ?? "", time.GetUtcNow(), ct).ConfigureAwait(false);
        return TypedResults.Created(link.Url, link);
    }

    /// <summary>Makes a link for <paramref name="tenant"/> under <paramref name="baseUrl"/> (scheme, host and port).</summary>
    internal static async Task<SignInLink> IssueAsync(ICloudStore store, string baseUrl, string tenant, string keyId, DateTimeOffset now, CancellationToken ct)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var link = new SignInLink($"{baseUrl.TrimEnd('/')}/sign-in/once/{token}", now + Lifetime);
        await store.CreateSignInLinkAsync(Hash(token), tenant, keyId, now, link.ExpiresAt, ct).ConfigureAwait(false);
        return link;
    }

    private static async Task<IResult> UseAsync(string token, HttpContext http, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        var tenant = token.Length is > 0 and <= 100 ? await store.UseSignInLinkAsync(Hash(token), time.GetUtcNow(), ct).ConfigureAwait(false) : null;
        if (tenant is null)
        {
            return SignInPages.Html(SignInPages.Layout("Sign in", """
                <main class="sign-in"><h1>Sign in</h1>
                <p class="error" role="alert">This sign-in link is not valid: it was used already, it expired (links last 10 minutes), or it never existed.</p>
                <p><a href="/sign-in">Sign in with an API key</a></p></main>
                """), StatusCodes.Status401Unauthorized);
        }
        await PageCookie.SignInAsync(http, tenant, "sign-in-link", [Scopes.UiRead]).ConfigureAwait(false);
        return Results.Redirect("/");
    }

    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
