using System.Net;
using Microsoft.AspNetCore.Authentication;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Keys;

namespace Mtc.Cloud.Pages;

/// <summary>
/// <c>GET /sign-in</c> (a form with one field, the API key), <c>POST /sign-in</c> (a same-origin form post: the key is
/// checked by <see cref="ApiKeyVerifier"/>; a key with <c>ui:read</c>, <c>ext:read</c> or <c>admin</c> gets the session
/// cookie, any other answers the form again with 401) and <c>POST /sign-out</c>. A key is never taken from the URL.
/// </summary>
internal static class SignInPages
{
    public const string WrongKey = "That API key is not valid, or it may not sign in (it needs ui:read, ext:read or admin).";
    public const string CrossOrigin = "Sign-in accepts form posts from this site only.";

    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sign-in", () => Html(Form(null), StatusCodes.Status200OK)).ExcludeFromDescription();
        app.MapPost("/sign-in", SignInAsync).DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/sign-out", (Func<HttpContext, Task<IResult>>)SignOutAsync).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, ApiKeyVerifier verifier)
    {
        if (!IsSameOrigin(http.Request))
        {
            return Html(Form(CrossOrigin), StatusCodes.Status403Forbidden);
        }
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false) : null;
        var presented = form?["key"].ToString().Trim() ?? "";
        if (ApiKeyFormat.TryParse(presented, out var id, out var secret)
            && await verifier.VerifyAsync(id, secret, http.RequestAborted).ConfigureAwait(false) is { } row
            && PageCookie.MaySignIn(row))
        {
            await PageCookie.SignInAsync(http, row.Tenant, row.Id, row.Scopes).ConfigureAwait(false);
            return Results.Redirect("/");
        }
        return Html(Form(WrongKey), StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        if (!IsSameOrigin(http.Request))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        await http.SignOutAsync(PageCookie.SchemeName).ConfigureAwait(false);
        return Results.Redirect("/sign-in");
    }

    /// <summary>
    /// With SameSite=Strict the cookie never comes with another site's request; this refuses another site's form post
    /// (Origin, or Sec-Fetch-Site when a browser sends it) so that it cannot sign a browser in to the poster's tenant.
    /// </summary>
    internal static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return false;
        }
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    private static string Form(string? message) => Layout("Sign in", $"""
        <main class="sign-in">
          <h1>Sign in</h1>
          {(message is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(message)}</p>")}
          <form method="post" action="/sign-in">
            <label for="key">API key</label>
            <input id="key" name="key" type="password" autocomplete="off" required placeholder="mtc_...">
            <button type="submit">Sign in</button>
          </form>
        </main>
        """);

    internal static string Layout(string title, string body) => $"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)} · MTConnect Core</title>
        <link rel="stylesheet" href="/assets/site.css">
        </head>
        <body>
        {body}
        </body>
        </html>
        """;

    internal static IResult Html(string html, int status) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
