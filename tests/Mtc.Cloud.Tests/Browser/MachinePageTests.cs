using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Cloud.Tests.Pages;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;
using Xunit.Abstractions;

namespace Mtc.Cloud.Tests.Browser;

/// <summary>
/// The machine page and the edges page in a real browser against the real cloud process (SQLite): what they show is
/// compared with what the API answers for the same range; a new cycle shows without a reload; another tenant gets a 404.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class MachinePageTests(BrowserFixture browser, ITestOutputHelper output) : CloudPageTests
{
    private static readonly double[] TodayCycles = [240, 300, 180, 360, 270];

    private async Task<IPage> SignedInAsync(IBrowserContext context, string tenant)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Cloud.Address, "/sign-in").ToString());
        await page.FillAsync("#key", await KeyAsync(tenant, "ui:read"));
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#tiles")).ToBeAttachedAsync();
        return page;
    }

    private static string Query(DateTime day) =>
        "from=" + Uri.EscapeDataString(day.ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture)) +
        "&to=" + Uri.EscapeDataString(day.AddDays(1).ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture));

    /// <summary>
    /// Today (UTC) for machine m1: status changes ACTIVE, IDLE, ACTIVE, ALARM then ACTIVE still running, five cycles with a part
    /// each, one alarm, one setup and an observation that is its last known time; yesterday: one IDLE stretch and two cycles.
    /// Returns the time one step after the last event and the next seq.
    /// </summary>
    private static async Task<(DateTime Next, long Seq)> PostDaysAsync(HttpClient edge, DateTime now)
    {
        var today = now.Date;
        // Steps of a minute, smaller when the test runs just after midnight, so that everything lies in today and in the past.
        var step = TimeSpan.FromMilliseconds(Math.Floor(Math.Min(60_000, (now - today).TotalMilliseconds / 80)));
        var b = now - (70 * step);
        DateTime At(int k) => b + (k * step);
        var events = new List<MachineEvent>
        {
            MachineDay.Status("st1", At(0), At(20), "ACTIVE"),
            MachineDay.Status("st2", At(20), At(30), "IDLE"),
            MachineDay.Status("st3", At(30), At(50), "ACTIVE"),
            MachineDay.Status("st4", At(50), At(55), "ALARM"),
            MachineDay.Status("st5", At(55), null, "ACTIVE"),
            MachineDay.Alarm("al1", At(50), At(55), "E42", "spindle <b>overload</b>"),
            new SetupPeriod { Id = "su1", Start = At(20), End = At(30), Source = "derived", DurationSeconds = (10 * step).TotalSeconds, Program = "O7" },
        };
        for (var k = 0; k < TodayCycles.Length; k++)
        {
            events.Add(MachineDay.Cycle("c" + k, At(k * 10), TodayCycles[k], "O100" + k));
            events.Add(MachineDay.Part("p" + k, At((k * 10) + 5), 100 + k));
        }
        // Yesterday first, as an edge would have sent it.
        var yesterday = today.AddDays(-1);
        var seq = await MachineDay.PostAsync(edge, "m1", 1, [
            MachineDay.Status("y1", yesterday.AddHours(9), yesterday.AddHours(10), "IDLE"),
            MachineDay.Cycle("y-c1", yesterday.AddHours(9).AddMinutes(5), 111),
            MachineDay.Cycle("y-c2", yesterday.AddHours(9).AddMinutes(30), 222),
        ]);
        seq = await MachineDay.PostAsync(edge, "m1", seq, events.OrderBy(e => e.Start));
        // The last known time, where the running ACTIVE interval ends for now.
        var observation = new ObservationRecord
        {
            Seq = seq, MachineId = "m1", InstanceId = "1", Sequence = seq, DataItemId = "exec", Name = "execution", Category = "EVENT",
            Type = "EXECUTION", Timestamp = new DateTimeOffset(At(60), TimeSpan.Zero), Value = "ACTIVE",
        };
        await Batches.PostOkAsync(edge, new IngestBatch("plant-1", "s1", seq, seq, [observation]));
        return (At(61), seq + 1);
    }

    private static async Task AssertTimelineAsync(IPage page, HttpClient reader, DateTime day)
    {
        var api = (await Batches.GetJsonAsync(reader, "/api/ext/machines/m1/timeline?" + Query(day))).GetProperty("items").EnumerateArray().ToList();
        var segments = page.Locator("#timeline .segment");
        await Assertions.Expect(segments).ToHaveCountAsync(api.Count);
        var shown = await segments.EvaluateAllAsync<string[][]>("els => els.map(e => [e.dataset.status, e.dataset.start, e.dataset.end, e.textContent, e.title])");
        Assert.Equal(api.Select(s => s.GetProperty("status").GetString()), shown.Select(s => s[0]));
        Assert.Equal(api.Select(s => s.GetProperty("start").GetDateTimeOffset()), shown.Select(s => DateTimeOffset.Parse(s[1], CultureInfo.InvariantCulture)));
        Assert.Equal(api.Select(s => s.GetProperty("end").GetDateTimeOffset()), shown.Select(s => DateTimeOffset.Parse(s[2], CultureInfo.InvariantCulture)));
        // The status word is shown and in the title, with the times.
        Assert.All(shown, s => Assert.Equal(s[0], s[3]));
        Assert.All(shown, s => Assert.StartsWith(s[0] + " " + DateTimeOffset.Parse(s[1], CultureInfo.InvariantCulture).ToString("HH:mm:ss", CultureInfo.InvariantCulture) + "–", s[4], StringComparison.Ordinal));
    }

    private static async Task<JsonElement> AssertCyclesAsync(IPage page, HttpClient reader, DateTime day, int expected)
    {
        var api = await Batches.GetJsonAsync(reader, "/api/ext/machines/m1/cycle-time?limit=1000&" + Query(day));
        var items = api.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(expected, items.Count);
        var points = page.Locator("#cycle-chart circle.cycle");
        await Assertions.Expect(points).ToHaveCountAsync(expected, new LocatorAssertionsToHaveCountOptions { Timeout = 5000 });
        var shown = await points.EvaluateAllAsync<string[][]>("els => els.map(e => [e.dataset.id, e.dataset.seconds])");
        Assert.Equal(items.Select(i => i.GetProperty("id").GetString()), shown.Select(s => s[0]));
        Assert.Equal(items.Select(i => i.GetProperty("durationSeconds").GetDouble()), shown.Select(s => double.Parse(s[1], CultureInfo.InvariantCulture)));
        var median = api.GetProperty("summary").GetProperty("median").GetDouble();
        Assert.Equal(median, double.Parse((await page.Locator("#median").GetAttributeAsync("data-seconds"))!, CultureInfo.InvariantCulture));
        return api;
    }

    [Fact]
    public async Task Machine_page_shows_the_days_timeline_and_cycles_as_the_api_does_follows_a_new_cycle_and_another_day_and_goes_stale_without_the_cloud()
    {
        using var edge = Cloud.ClientWith(await KeyAsync("acme", "edge:ingest"));
        using var reader = Cloud.ClientWith(await KeyAsync("acme", "ext:read"));
        var now = DateTime.UtcNow;
        var (next, seq) = await PostDaysAsync(edge, now);

        await using var context = await browser.Browser.NewContextAsync();
        var page = await SignedInAsync(context, "acme");
        // The fleet tile's title leads to the machine page.
        await page.ClickAsync("#tiles article[data-machine='m1'] h2 a");
        await page.WaitForURLAsync("**/machines/m1");
        await Assertions.Expect(page.Locator("#machine")).ToHaveAttributeAsync("data-day", now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.Equal(now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), await page.InputValueAsync("#day"));

        await AssertTimelineAsync(page, reader, now.Date);
        Assert.Equal(["ACTIVE", "IDLE", "ACTIVE", "ALARM", "ACTIVE"],
            await page.Locator("#timeline .segment").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.status)"));
        var cycles = await AssertCyclesAsync(page, reader, now.Date, TodayCycles.Length);
        Assert.Equal(270, cycles.GetProperty("summary").GetProperty("median").GetDouble());

        // Parts per hour add up to the day's parts; the alarm and the setup are listed; the current values are the machine's.
        var summary = await Batches.GetJsonAsync(reader, "/api/ext/machines/m1/summary?bucket=hour&" + Query(now.Date));
        Assert.Equal(TodayCycles.Length, summary.GetProperty("parts").GetInt64());
        var bars = await page.Locator("#parts-chart rect.bar").EvaluateAllAsync<int[]>("els => els.map(e => Number(e.dataset.parts))");
        Assert.Equal(24, bars.Length);
        Assert.Equal(summary.GetProperty("buckets").EnumerateArray().Select(b => (int)b.GetProperty("parts").GetInt64()), bars);
        await Assertions.Expect(page.Locator("#alarms tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#alarms tbody tr")).ToContainTextAsync("E42");
        await Assertions.Expect(page.Locator("#alarms tbody tr")).ToContainTextAsync("spindle <b>overload</b>");
        await Assertions.Expect(page.Locator("#setups tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#setups tbody tr")).ToContainTextAsync("O7");
        var machine = await Batches.GetJsonAsync(reader, "/api/ext/machines/m1");
        Assert.Equal("ACTIVE", machine.GetProperty("status").GetString());
        await Assertions.Expect(page.Locator("#now .status")).ToHaveTextAsync("ACTIVE");
        await Assertions.Expect(page.Locator("#now .program")).ToHaveTextAsync(machine.GetProperty("program").GetString()!);
        await Assertions.Expect(page.Locator("#now .parts")).ToHaveTextAsync(machine.GetProperty("partCount").GetInt64().ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#values tbody tr")).ToHaveCountAsync(machine.GetProperty("values").GetArrayLength());
        await Assertions.Expect(page.Locator("#live")).ToContainTextAsync("Live");
        await Assertions.Expect(page.Locator("#stale")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("machine"), FullPage = true });

        // A new cycle: its point shows without a reload within 5 s.
        var started = DateTime.UtcNow;
        await MachineDay.PostAsync(edge, "m1", seq, [MachineDay.Cycle("c-new", next, 500)]);
        await AssertCyclesAsync(page, reader, now.Date, TodayCycles.Length + 1);
        var shownAfter = DateTime.UtcNow - started;
        output.WriteLine($"A new cycle showed {shownAfter.TotalSeconds:0.0} s after it was posted.");
        Assert.InRange(shownAfter, TimeSpan.Zero, TimeSpan.FromSeconds(6));
        await Assertions.Expect(page.Locator("#cycle-chart circle[data-id='c-new']")).ToHaveAttributeAsync("data-seconds", "500");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("machine-new-cycle"), FullPage = true });

        // The day picker: yesterday's data, kept in the URL, not live.
        var yesterday = now.Date.AddDays(-1);
        var y = yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.FillAsync("#day", y);
        await Assertions.Expect(page.Locator("#machine")).ToHaveAttributeAsync("data-day", y);
        Assert.EndsWith("/machines/m1?day=" + y, page.Url, StringComparison.Ordinal);
        await AssertTimelineAsync(page, reader, yesterday);
        await Assertions.Expect(page.Locator("#timeline .segment")).ToHaveCountAsync(1);
        await AssertCyclesAsync(page, reader, yesterday, 2);
        await Assertions.Expect(page.Locator("#alarms tbody tr")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("machine-yesterday"), FullPage = true });

        // The URL alone opens that day.
        var direct = await context.NewPageAsync();
        await direct.GotoAsync(new Uri(Cloud.Address, "/machines/m1?day=" + y).ToString());
        await Assertions.Expect(direct.Locator("#machine")).ToHaveAttributeAsync("data-day", y);
        await Assertions.Expect(direct.Locator("#cycle-chart circle.cycle")).ToHaveCountAsync(2);

        // Back to today (the browser's back button), live again; the cloud goes away: the stale banner, the data kept.
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#machine")).ToHaveAttributeAsync("data-day", now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#cycle-chart circle.cycle")).ToHaveCountAsync(TodayCycles.Length + 1);
        await StopCloudAndSeeStaleAsync(page, TimeSpan.FromSeconds(5));
        await Assertions.Expect(page.Locator("#timeline .segment")).ToHaveCountAsync(5);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("machine-stale"), FullPage = true });
    }

    [Fact]
    public async Task Tenant_b_gets_a_404_page_for_tenant_as_machine_and_a_signed_out_browser_goes_to_sign_in()
    {
        using var edgeA = Cloud.ClientWith(await KeyAsync("acme", "edge:ingest"));
        await MachineDay.PostAsync(edgeA, "m1", 1, [MachineDay.Alarm("secret", DateTime.UtcNow.AddMinutes(-5), null, "E1", "acme secret alarm")]);

        await using (var signedOut = await browser.Browser.NewContextAsync())
        {
            var page = await signedOut.NewPageAsync();
            await page.GotoAsync(new Uri(Cloud.Address, "/machines/m1").ToString());
            Assert.EndsWith("/sign-in", page.Url, StringComparison.Ordinal);
        }

        await using var context = await browser.Browser.NewContextAsync();
        var b = await SignedInAsync(context, "globex");
        var response = await b.GotoAsync(new Uri(Cloud.Address, "/machines/m1").ToString());
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(b.Locator("h1")).ToHaveTextAsync("No such machine");
        await Assertions.Expect(b.Locator("main a[href='/']")).ToBeVisibleAsync();
        var html = await b.ContentAsync();
        Assert.DoesNotContain("acme secret alarm", html, StringComparison.Ordinal);
        Assert.Equal(0, await b.Locator("script").CountAsync());
        var events = await b.EvaluateAsync<int>("async () => (await fetch('/api/ext/machines/m1/events?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z')).status");
        Assert.Equal(404, events);
        await b.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("machine-404"), FullPage = true });
        await b.ClickAsync("main a[href='/']");
        await Assertions.Expect(b.Locator("#tiles article")).ToHaveCountAsync(0);

        // A machine id that would be markup is shown as text.
        var odd = await b.GotoAsync(new Uri(Cloud.Address, "/machines/" + Uri.EscapeDataString("<img src=x onerror=alert(1)>")).ToString());
        Assert.Equal(404, odd!.Status);
        Assert.Equal(0, await b.Locator("img").CountAsync());
        await Assertions.Expect(b.Locator("main code")).ToHaveTextAsync("<img src=x onerror=alert(1)>");
    }

    [Fact]
    public async Task Edges_page_shows_each_edges_records_gaps_and_quarantined_batches_as_the_api_does_and_marks_an_edge_without_contact_offline()
    {
        using var edge = Cloud.ClientWith(await KeyAsync("acme", "edge:ingest"));
        using var reader = Cloud.ClientWith(await KeyAsync("acme", "ext:read"));
        await Batches.PostOkAsync(edge, Batches.Observations("plant-1", "s1", 1, 40));
        await Batches.PostOkAsync(edge, new IngestBatch("plant-1", "s1", 41, 41,
            [new GapRecord { Seq = 41, MachineId = "m1", Source = "outbox", Missed = 25, Reason = "quota" }]));
        using (var setup = await edge.PostAsync("/api/ext/setup", new StringContent("""{"edgeId":"plant-2","name":"Plant <2>","machines":["m9"]}""", Encoding.UTF8, "application/json")))
        {
            Assert.True(setup.IsSuccessStatusCode);
        }
        using (var refused = await Batches.PostAsync(edge, new IngestBatch("plant-1", "s1", 42, 42, [Batches.Observation(42) with { Timestamp = new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero) }])))
        {
            Assert.Equal(400, (int)refused.StatusCode);
        }
        var api = (await Batches.GetJsonAsync(reader, "/api/ext/edges")).GetProperty("items").EnumerateArray().ToList();
        var plant1 = api.Single(e => e.GetProperty("id").GetString() == "plant-1");
        Assert.Equal(41, plant1.GetProperty("recordsReceived").GetInt64());

        await using var context = await browser.Browser.NewContextAsync();
        var page = await SignedInAsync(context, "acme");
        await page.ClickAsync("header a[href='/edges']");
        await page.WaitForURLAsync("**/edges");
        await Assertions.Expect(page.Locator("#edges tbody tr")).ToHaveCountAsync(api.Count);
        var row = page.Locator("#edges tr[data-edge='plant-1']");
        await Assertions.Expect(row.Locator(".records")).ToHaveTextAsync(plant1.GetProperty("recordsReceived").GetInt64().ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(row.Locator(".gaps")).ToHaveTextAsync(plant1.GetProperty("gaps").GetInt64().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(1, plant1.GetProperty("gaps").GetInt64());
        await Assertions.Expect(row.Locator(".missed")).ToHaveTextAsync("25");
        Assert.Equal(1, plant1.GetProperty("refusedBatches").GetInt64());
        await Assertions.Expect(row.Locator(".quarantined")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#edges tr[data-edge='plant-2'] .quarantined")).ToHaveTextAsync("0");
        await Assertions.Expect(row.Locator(".last-contact")).ToContainTextAsync(" s ago");
        await Assertions.Expect(row.Locator(".last-contact")).ToContainTextAsync(" UTC");
        await Assertions.Expect(row).ToHaveClassAsync("online");
        var offline = page.Locator("#edges tr[data-edge='plant-2']");
        await Assertions.Expect(offline).ToHaveClassAsync("offline");
        await Assertions.Expect(offline.Locator(".edge")).ToContainTextAsync("Plant <2> (plant-2) offline");
        await Assertions.Expect(offline.Locator(".last-contact")).ToHaveTextAsync("never");
        await Assertions.Expect(page.Locator("#summary")).ToHaveTextAsync("2 edges, 1 offline (no contact for more than 2 min)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("edges"), FullPage = true });
    }
}
