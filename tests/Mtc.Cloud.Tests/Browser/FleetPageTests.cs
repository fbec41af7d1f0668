using System.Text.Json;
using Microsoft.Playwright;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Cloud.Tests.Pages;

namespace Mtc.Cloud.Tests.Browser;

/// <summary>
/// The fleet page in a real browser against the real cloud process (SQLite): sign in through the form, read the tiles,
/// and compare them with what <c>/api/ext/machines</c> answers; a new status shows without a reload.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class FleetPageTests(BrowserFixture browser) : CloudPageTests
{
    private static async Task SignInAsync(IPage page, Uri cloud, string key)
    {
        await page.GotoAsync(new Uri(cloud, "/").ToString());
        Assert.EndsWith("/sign-in", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#key", key);
        await page.ClickAsync("button[type=submit]");
    }

    [Fact]
    public async Task Signed_in_tiles_show_each_machines_status_program_and_parts_and_follow_a_new_status_without_reload()
    {
        using var edge = Cloud.ClientWith(await KeyAsync("acme", "edge:ingest"));
        using var reader = Cloud.ClientWith(await KeyAsync("acme", "ext:read"));
        Fleet.Machine[] fleet = [new("m1", "ACTIVE", "O1001", 41), new("m2", "IDLE", "O1002", 7), new("m3", "ALARM", "O1003", 0)];
        await Fleet.PostAsync(edge, fleet, 1, DateTimeOffset.UtcNow.AddMinutes(-3));
        var ui = await KeyAsync("acme", "ui:read");

        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, Cloud.Address, ui);
        await Assertions.Expect(page.Locator("#tiles article")).ToHaveCountAsync(3);

        var api = (await Batches.GetJsonAsync(reader, "/api/ext/machines")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(fleet.Select(m => m.Status), api.Select(m => m.GetProperty("status").GetString()));
        foreach (var m in api)
        {
            var tile = page.Locator($"#tiles article[data-machine='{m.GetProperty("id").GetString()}']");
            await Assertions.Expect(tile.Locator(".status")).ToHaveTextAsync(m.GetProperty("status").GetString()!);
            await Assertions.Expect(tile.Locator(".program")).ToHaveTextAsync(m.GetProperty("program").GetString()!);
            await Assertions.Expect(tile.Locator(".parts")).ToHaveTextAsync(m.GetProperty("partCount").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(tile.Locator(".since")).ToHaveTextAsync("3 min ago");
            Assert.Contains("s-" + m.GetProperty("status").GetString(), await tile.GetAttributeAsync("class"), StringComparison.Ordinal);
        }
        await Assertions.Expect(page.Locator("#stale")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("fleet"), FullPage = true });

        // The filter and the sort work on what is shown.
        await page.FillAsync("#filter", "idle");
        await Assertions.Expect(page.Locator("#tiles article")).ToHaveCountAsync(1);
        await page.FillAsync("#filter", "");
        await page.SelectOptionAsync("#sort", "status");
        Assert.Equal(["m3", "m2", "m1"], await page.Locator("#tiles article").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.machine)"));
        await page.SelectOptionAsync("#sort", "id");

        // A new status for m2: the tile changes without a reload within 5 s.
        var started = DateTime.UtcNow;
        await Fleet.PostAsync(edge, [new("m2", "ACTIVE", "O2002", 8)], 10, DateTimeOffset.UtcNow);
        await Assertions.Expect(page.Locator("#tiles article[data-machine='m2'] .status"))
            .ToHaveTextAsync("ACTIVE", new LocatorAssertionsToHaveTextOptions { Timeout = 5000 });
        await Assertions.Expect(page.Locator("#tiles article[data-machine='m2'] .program")).ToHaveTextAsync("O2002");
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(6));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("fleet-updated"), FullPage = true });
        await Assertions.Expect(page.Locator("#edges-offline")).ToBeHiddenAsync();

        // The cloud goes away: after 10 s without a successful refresh the page says its data is stale, and keeps the tiles.
        await StopCloudAndSeeStaleAsync(page, TimeSpan.FromSeconds(7));
        await Assertions.Expect(page.Locator("#tiles article")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("fleet-stale"), FullPage = true });
    }

    [Fact]
    public async Task A_wrong_key_shows_the_message_and_sets_no_cookie_and_tenant_b_never_sees_tenant_a()
    {
        using var edgeA = Cloud.ClientWith(await KeyAsync("acme", "edge:ingest"));
        using var edgeB = Cloud.ClientWith(await KeyAsync("globex", "edge:ingest"));
        await Fleet.PostAsync(edgeA, [new("a1", "ACTIVE", "A", 1), new("a2", "IDLE", "A", 2)], 1, DateTimeOffset.UtcNow);
        await Fleet.PostAsync(edgeB, [new("b1", "SETUP", "B", 3)], 1, DateTimeOffset.UtcNow);
        var uiB = await KeyAsync("globex", "ui:read");

        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, Cloud.Address, uiB[..^2] + (uiB.EndsWith("aa", StringComparison.Ordinal) ? "bb" : "aa"));
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("That API key is not valid");
        Assert.Empty(await context.CookiesAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("wrong-key"), FullPage = true });

        await SignInAsync(page, Cloud.Address, uiB);
        await Assertions.Expect(page.Locator("#tiles article")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#tiles article .status")).ToHaveTextAsync("SETUP");
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        // The page's cookie reads, but never writes.
        var write = await page.EvaluateAsync<int>("""
            async () => (await fetch('/api/ext/setup', { method: 'POST', headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ edgeId: 'x', machines: ['evil'] }) })).status
            """);
        Assert.Equal(401, write);
        var ids = await page.EvaluateAsync<string[]>("async () => (await (await fetch('/api/ext/machines')).json()).items.map(m => m.id)");
        Assert.Equal(["b1"], ids);
        Assert.DoesNotContain("a1", await page.ContentAsync(), StringComparison.Ordinal);
    }
}
