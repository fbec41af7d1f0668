using System.Net;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Pages;

/// <summary>
/// <c>GET /machines/{id}</c>: one machine's day, a server-rendered shell whose script (<c>/assets/machine.js</c>) reads the
/// machine's timeline, cycles, hourly parts, alarms, setups and current values with the session cookie, every 4 s while the
/// day shown is today. Not signed in: a redirect to <c>/sign-in</c>; a machine the signed-in tenant does not have: a 404
/// page (another tenant's machine is not found either).
/// </summary>
internal static class MachinePage
{
    public static IEndpointRouteBuilder MapMachinePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/machines/{id}", ShowAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext http, ICloudStore store)
    {
        if (await PageCookie.PageUserAsync(http).ConfigureAwait(false) is not { } user)
        {
            return Results.Redirect("/sign-in");
        }
        var machine = await store.GetMachineAsync(user.Tenant(), id, http.RequestAborted).ConfigureAwait(false);
        var encoded = WebUtility.HtmlEncode(id);
        if (machine is null)
        {
            return SignInPages.Html(SignInPages.Layout("No such machine", $"""
                <main class="not-found"><h1>No such machine</h1>
                <p>There is no machine <code>{encoded}</code> in your fleet.</p>
                <p><a href="/">Back to the fleet</a></p></main>
                """), StatusCodes.Status404NotFound);
        }
        var title = machine.Name is { Length: > 0 } name ? $"{name} ({id})" : id;
        return SignInPages.Html(SignInPages.Layout(title, $"""
            <header>
              <h1 id="title">{WebUtility.HtmlEncode(title)}</h1>
              <nav><a href="/">Fleet</a> · <a href="/edges">Edges</a></nav>
            </header>
            <div id="stale" class="banner" role="alert" hidden>Data is stale: the last successful refresh was more than 10 s ago.</div>
            <main id="machine" data-machine="{encoded}">
              <div class="controls">
                <label>Day <input id="day" type="date"></label>
                <span id="live"></span>
                <span id="updated"></span>
                <span id="zone"></span>
              </div>
              <section class="panel"><h2>Now</h2><dl id="now" class="values"></dl>
                <details><summary>Latest value per data item</summary><table id="values"><thead><tr><th>Data item</th><th>Type</th><th>Value</th><th>Time</th></tr></thead><tbody></tbody></table></details>
              </section>
              <section class="panel"><h2>Status</h2><div id="timeline" class="timeline" role="list"></div><div id="timeline-axis" class="axis"></div></section>
              <section class="panel"><h2>Cycle time</h2><p id="cycle-summary"></p><div id="cycles"></div></section>
              <section class="panel"><h2>Parts per hour</h2><div id="parts"></div></section>
              <section class="panel"><h2>Alarms</h2><table id="alarms"><thead><tr><th>Start</th><th>End</th><th>Level</th><th>Code</th><th>Message</th></tr></thead><tbody></tbody></table></section>
              <section class="panel"><h2>Setups</h2><table id="setups"><thead><tr><th>Start</th><th>End</th><th>Minutes</th><th>Program</th><th>Source</th></tr></thead><tbody></tbody></table></section>
            </main>
            <script src="/assets/machine.js"></script>
            """), StatusCodes.Status200OK);
    }
}
