namespace Mtc.Cloud.Pages;

/// <summary>
/// <c>GET /edges</c>: the tenant's edges as a table (last contact, records received, gaps and what they missed, batches refused
/// and so quarantined by the edge, streams), a server-rendered shell whose script (<c>/assets/edges.js</c>) reads <c>/api/ext/edges</c> with the session
/// cookie every 4 s; an edge without contact for more than 2 min is marked offline. Not signed in: a redirect to <c>/sign-in</c>.
/// </summary>
internal static class EdgesPage
{
    public static IEndpointRouteBuilder MapEdgesPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/edges", (Func<HttpContext, Task<IResult>>)ShowAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ShowAsync(HttpContext http)
    {
        if (await PageCookie.PageUserAsync(http).ConfigureAwait(false) is null)
        {
            return Results.Redirect("/sign-in");
        }
        return SignInPages.Html(SignInPages.Layout("Edges", """
            <header>
              <h1>Edges</h1>
              <nav><a href="/">Fleet</a></nav>
            </header>
            <div id="stale" class="banner" role="alert" hidden>Data is stale: the last successful refresh was more than 10 s ago.</div>
            <div class="controls"><span id="summary"></span><span id="updated"></span></div>
            <table id="edges">
              <thead><tr><th>Edge</th><th>Last contact</th><th>Records received</th><th>Gaps</th><th>Missed (known)</th><th title="Batches the cloud refused with a 400: the edge keeps them in its quarantine and does not send them again">Quarantined batches</th><th>Streams</th></tr></thead>
              <tbody></tbody>
            </table>
            <script src="/assets/edges.js"></script>
            """), StatusCodes.Status200OK);
    }
}
