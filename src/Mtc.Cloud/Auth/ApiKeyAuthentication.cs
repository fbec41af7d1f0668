using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Keys;

namespace Mtc.Cloud.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer mtc_..</c> or <c>X-API-Key: mtc_..</c>: has <see cref="ApiKeyVerifier"/> check it
/// (the same work for an unknown id as for a wrong secret), and makes the tenant and scopes claims. Answers 401 and 403 as problem details.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier verifier) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "tenant";
    public const string ScopeClaim = "scope";
    public const string KeyIdClaim = "key_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }
        if (!ApiKeyFormat.TryParse(presented, out var id, out var secret))
        {
            return AuthenticateResult.Fail("The API key is malformed (expected mtc_<id>_<secret>).");
        }
        var row = await verifier.VerifyAsync(id, secret, Context.RequestAborted).ConfigureAwait(false);
        if (row is null)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }
        if (row.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API key was revoked.");
        }
        var claims = new List<Claim> { new(TenantClaim, row.Tenant), new(KeyIdClaim, row.Id), new(ClaimTypes.Name, row.Name) };
        claims.AddRange(row.Scopes.Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    internal static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }
        var header = request.Headers["X-API-Key"].ToString();
        return header.Length > 0 ? header.Trim() : null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false)).Failure?.Message;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Unauthorized(failure ?? "Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.")
            .ExecuteAsync(Context).ConfigureAwait(false);
    }

    /// <summary>403 naming the scopes the route needs (its policies are named after them) and those the key has.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = (Context.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() ?? [])
            .Select(a => a.Policy).OfType<string>()
            .SelectMany(p => p == AuthSetup.SetupPolicy ? [Scopes.EdgeIngest, Scopes.ExtWrite] : new[] { p })
            .Distinct(StringComparer.Ordinal).ToList();
        var has = Context.User.FindAll(ScopeClaim).Select(c => c.Value).ToList();
        return Problems.Forbidden(needed, has).ExecuteAsync(Context);
    }
}

internal static class ClaimsPrincipalExtensions
{
    /// <summary>The tenant of the authenticated key (every authorized route has one).</summary>
    public static string Tenant(this ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyAuthentication.TenantClaim) ?? throw new InvalidOperationException("No tenant on an authorized request.");

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.HasClaim(ApiKeyAuthentication.ScopeClaim, scope) || user.HasClaim(ApiKeyAuthentication.ScopeClaim, Scopes.Admin);
}
