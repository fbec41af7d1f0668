using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Pages;

/// <summary>
/// The session cookie of a person signed in to the pages: HttpOnly, SameSite=Strict, Secure when the request is https,
/// sliding 12 h; it carries the key's tenant and scopes. It is accepted by the <c>ext:read</c> policy on GET only and by
/// no other policy (those authenticate the API key alone), so a cookie never reaches a write endpoint.
/// </summary>
internal static class PageCookie
{
    public const string SchemeName = "PageCookie";
    public const string CookieName = "mtc_session";

    /// <summary>A key with one of these may sign in.</summary>
    public static readonly IReadOnlyList<string> SignInScopes = [Scopes.UiRead, Scopes.ExtRead, Scopes.Admin];

    public static AuthenticationBuilder AddPageCookie(this AuthenticationBuilder auth) =>
        auth.AddCookie(SchemeName, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            // The API key scheme answers 401/403 as problem details; the pages redirect by themselves.
            o.Events.OnRedirectToLogin = _ => Task.CompletedTask;
            o.Events.OnRedirectToAccessDenied = _ => Task.CompletedTask;
        });

    /// <summary>True when the request was authenticated by the cookie and not by a key.</summary>
    public static bool IsFromCookie(ClaimsPrincipal user) =>
        user.Identities.Any(i => i.AuthenticationType == SchemeName) && user.Identities.All(i => i.AuthenticationType != ApiKeyAuthentication.SchemeName);

    public static bool IsRead(AuthorizationHandlerContext ctx) =>
        ctx.Resource is HttpContext http && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));

    /// <summary>Whether a key row may sign in (not revoked, one of <see cref="SignInScopes"/>).</summary>
    public static bool MaySignIn(ApiKeyRow row) =>
        row.RevokedAt is null && row.Scopes.Any(s => SignInScopes.Contains(s, StringComparer.Ordinal));

    /// <summary>Signs in with the key's tenant and the given scopes.</summary>
    public static Task SignInAsync(HttpContext http, string tenant, string keyId, IEnumerable<string> scopes)
    {
        var claims = new List<Claim> { new(ApiKeyAuthentication.TenantClaim, tenant), new(ApiKeyAuthentication.KeyIdClaim, keyId) };
        claims.AddRange(scopes.Select(s => new Claim(ApiKeyAuthentication.ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return http.SignInAsync(SchemeName, principal, new AuthenticationProperties { IsPersistent = true });
    }

    /// <summary>The signed-in person's principal, or null.</summary>
    public static async Task<ClaimsPrincipal?> CurrentAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(SchemeName).ConfigureAwait(false);
        return result.Succeeded ? result.Principal : null;
    }

    /// <summary>
    /// The person a page is for: null when the browser is not signed in (the page redirects to <c>/sign-in</c>); otherwise
    /// the page's answer is marked not to be cached (it shows one tenant's data).
    /// </summary>
    public static async Task<ClaimsPrincipal?> PageUserAsync(HttpContext http)
    {
        var user = await CurrentAsync(http).ConfigureAwait(false);
        if (user is not null)
        {
            http.Response.Headers.CacheControl = "no-store";
        }
        return user;
    }
}
