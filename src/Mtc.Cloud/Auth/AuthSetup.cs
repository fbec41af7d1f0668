using Microsoft.AspNetCore.Authentication;

namespace Mtc.Cloud.Auth;

internal static class AuthSetup
{
    /// <summary>A policy per scope, named after it; <c>admin</c> satisfies every one.</summary>
    public static WebApplicationBuilder AddApiKeyAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyVerifier>();
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        var policies = builder.Services.AddAuthorizationBuilder();
        foreach (var scope in Scopes.All)
        {
            policies.AddPolicy(scope, p => p.RequireAuthenticatedUser().RequireAssertion(ctx => ctx.User.HasScope(scope)));
        }
        policies.AddPolicy(SetupPolicy, p => p.RequireAuthenticatedUser()
            .RequireAssertion(ctx => ctx.User.HasScope(Scopes.EdgeIngest) || ctx.User.HasScope(Scopes.ExtWrite)));
        return builder;
    }

    /// <summary>Edges register themselves; integrators with write access may too.</summary>
    public const string SetupPolicy = "setup";
}
