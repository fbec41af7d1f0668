using Microsoft.AspNetCore.Authentication;
using Mtc.Cloud.Pages;

namespace Mtc.Cloud.Auth;

internal static class AuthSetup
{
    /// <summary>A policy per scope, named after it; <c>admin</c> satisfies every one.</summary>
    public static WebApplicationBuilder AddApiKeyAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyVerifier>();
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddPageCookie();
        var policies = builder.Services.AddAuthorizationBuilder();
        foreach (var scope in Scopes.All.Where(s => s != Scopes.ExtRead))
        {
            policies.AddPolicy(scope, p => p.RequireAuthenticatedUser().RequireAssertion(ctx => ctx.User.HasScope(scope)));
        }
        // Reads take a key, or on GET the page's sign-in cookie; every other policy authenticates the key alone.
        policies.AddPolicy(Scopes.ExtRead, p => p
            .AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName, PageCookie.SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => PageCookie.IsFromCookie(ctx.User)
                ? PageCookie.IsRead(ctx) && (ctx.User.HasScope(Scopes.ExtRead) || ctx.User.HasScope(Scopes.UiRead))
                : ctx.User.HasScope(Scopes.ExtRead)));
        policies.AddPolicy(SetupPolicy, p => p.RequireAuthenticatedUser()
            .RequireAssertion(ctx => ctx.User.HasScope(Scopes.EdgeIngest) || ctx.User.HasScope(Scopes.ExtWrite)));
        return builder;
    }

    /// <summary>Edges register themselves; integrators with write access may too.</summary>
    public const string SetupPolicy = "setup";
}
