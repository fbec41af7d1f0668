using System.Reflection;

namespace Mtc.Cloud.Pages;

/// <summary>
/// <c>GET /</c>: the fleet page, a server-rendered shell whose script (<c>/assets/fleet.js</c>, no build step) reads
/// <c>/api/ext/machines</c> and <c>/api/ext/edges</c> with the session cookie every 3 s, and every 30 s <c>/api/ext/plant</c> and
/// <c>/api/ext/fleet/summary</c> for this shift's and today's numbers per tile. Not signed in: a redirect to
/// <c>/sign-in</c>. The assets are embedded in the assembly.
/// </summary>
internal static class FleetPage
{
    private static readonly IReadOnlyDictionary<string, (string Type, byte[] Body)> Assets = new Dictionary<string, (string, byte[])>
    {
        ["fleet.js"] = ("text/javascript; charset=utf-8", Read("fleet.js")),
        ["machine.js"] = ("text/javascript; charset=utf-8", Read("machine.js")),
        ["edges.js"] = ("text/javascript; charset=utf-8", Read("edges.js")),
        ["site.css"] = ("text/css; charset=utf-8", Read("site.css")),
    };

    public static IEndpointRouteBuilder MapFleetPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (Func<HttpContext, Task<IResult>>)ShowAsync).ExcludeFromDescription();
        app.MapGet("/assets/{name}", (string name) => Assets.TryGetValue(name, out var a)
            ? Results.Bytes(a.Body, a.Type)
            : Results.NotFound()).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ShowAsync(HttpContext http)
    {
        if (await PageCookie.PageUserAsync(http).ConfigureAwait(false) is null)
        {
            return Results.Redirect("/sign-in");
        }
        return SignInPages.Html(SignInPages.Layout("Fleet", """
            <header>
              <h1>Fleet</h1>
              <nav><a href="/edges">Edges</a></nav>
              <form method="post" action="/sign-out"><button type="submit">Sign out</button></form>
            </header>
            <div id="stale" class="banner" role="alert" hidden>Data is stale: the last successful refresh was more than 10 s ago.</div>
            <div id="edges-offline" class="banner" role="alert" hidden></div>
            <div class="controls">
              <label>Filter <input id="filter" type="search" placeholder="id, name, status, program"></label>
              <label>Sort <select id="sort"><option value="id">by id</option><option value="status">by status</option></select></label>
              <span id="updated"></span>
            </div>
            <section id="tiles" aria-live="polite"></section>
            <script src="/assets/fleet.js"></script>
            """), StatusCodes.Status200OK);
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Mtc.Cloud.Pages.Assets." + name)
            ?? throw new InvalidOperationException($"The page asset {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
