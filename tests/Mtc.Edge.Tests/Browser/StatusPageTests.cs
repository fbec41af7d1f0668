using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Mtc.Cloud.Tests.Browser;
using Mtc.Edge.Tests.EndToEnd;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.Browser;

/// <summary>
/// The status page in a real browser, on a real simulator → edge → cloud pipeline: what a person reads at a glance,
/// checked against the edge's <c>/api/status</c> JSON fetched around each page load and against the cloud's database.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed partial class StatusPageTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_status_page_shows_machines_flow_and_a_cloud_outage_and_its_recovery()
    {
        await using var p = new Pipeline();
        await p.StartSimAsync("--generate", "2", "--seed", "8", "--speed", "100");
        var cloud = await p.StartCloudAsync();
        await p.StartEdgeAsync();
        await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);

        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var expect = new LocatorAssertionsToHaveTextOptions { Timeout = (float)Long.TotalMilliseconds };

        // Steady state: every machine the edge knows is listed, connected, with a count inside the window of two
        // /api/status reads, one before the page loaded and one after its numbers were read.
        var (before, shown, after) = await LoadAsync(p, page, async () =>
        {
            var counts = new Dictionary<string, long>();
            foreach (var row in await page.Locator("#machines tr[data-machine], #sources tr[data-source]").AllAsync())
            {
                var key = await row.GetAttributeAsync("data-machine") ?? await row.GetAttributeAsync("data-source");
                counts[key!] = Number(await row.Locator(".observations").InnerTextAsync());
            }
            return counts;
        });
        var machines = after.GetProperty("machines").EnumerateArray().ToList();
        Assert.Equal(2, machines.Count);
        await Assertions.Expect(page.Locator("#machines tr[data-machine]")).ToHaveCountAsync(machines.Count);
        foreach (var m in machines)
        {
            var id = m.GetProperty("id").GetString()!;
            var row = page.Locator($"#machines tr[data-machine='{id}']");
            // A machine's state is the state of the source its observations came through, as /api/status reports it.
            var sourceKey = m.GetProperty("source").GetString()!;
            var sourceState = after.GetProperty("sources").EnumerateArray().Single(x => x.GetProperty("key").GetString() == sourceKey).GetProperty("state").GetString()!;
            Assert.Equal("connected", sourceState);
            await Assertions.Expect(row.Locator(".source")).ToHaveTextAsync(sourceKey);
            await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync(sourceState);
            Assert.InRange(shown[id], Machine(before, id).GetProperty("observations").GetInt64(), m.GetProperty("observations").GetInt64());
            Assert.True(shown[id] > 0, $"{id} shows {shown[id]} observations");
        }
        await AssertMachineStatusesAsync(p, page);
        var source = after.GetProperty("sources")[0];
        var sourceKey0 = source.GetProperty("key").GetString()!;
        var sourceRow = page.Locator($"#sources tr[data-source='{sourceKey0}']");
        await Assertions.Expect(sourceRow.Locator(".state")).ToHaveTextAsync("connected");
        var seen = Number(await sourceRow.Locator(".observations").InnerTextAsync());
        Assert.InRange(shown[sourceKey0], before.GetProperty("sources")[0].GetProperty("observations").GetInt64(), source.GetProperty("observations").GetInt64());
        await Assertions.Expect(page.Locator("#verdict")).ToHaveTextAsync("All good: collecting and delivering.");
        await Assertions.Expect(page.Locator("#uplink-state")).ToHaveClassAsync("ok");
        Assert.InRange(Number(await page.Locator("#outbox-records").InnerTextAsync()), 0, 100_000);
        await ShotAsync(page, "1-steady");

        // The page refreshes itself: without a reload the count goes up.
        await Assertions.Expect(sourceRow.Locator(".observations")).Not.ToHaveTextAsync(seen.ToString(CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        Assert.True(Number(await sourceRow.Locator(".observations").InnerTextAsync()) > seen);

        // The cloud goes away: the uplink is shown failing and backing off, the outbox grows.
        var deliveredBefore = p.CloudObservations().Count;
        p.StopCloud();
        await Pipeline.WaitUntilAsync(async () =>
        {
            var s = await p.EdgeStatusAsync();
            // A few failed attempts: the error of the request the kill interrupted has given way to the steady one.
            return s.GetProperty("uplink").TryGetProperty("failingSince", out _)
                && s.GetProperty("uplink").GetProperty("batchesRetried").GetInt64() >= 3
                && s.GetProperty("outbox").GetProperty("records").GetInt64() >= 200;
        }, Long, p.Logs);
        (before, var (waiting, error), after) = await LoadAsync(p, page, async () =>
            (Number(await page.Locator("#outbox-records").InnerTextAsync()), await page.Locator("#uplink-error").InnerTextAsync()));
        Assert.InRange(waiting, before.GetProperty("outbox").GetProperty("records").GetInt64(), after.GetProperty("outbox").GetProperty("records").GetInt64());
        await Assertions.Expect(page.Locator("#uplink-state")).ToHaveTextAsync(RetryingRegex());
        await Assertions.Expect(page.Locator("#uplink-state")).ToHaveClassAsync("bad");
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Contains(error, new[] { before, after }.Select(x => x.GetProperty("uplink").GetProperty("lastError").GetString()));
        await Assertions.Expect(page.Locator("#verdict")).ToContainTextAsync("Needs attention");
        await Assertions.Expect(page.Locator("#verdict")).ToContainTextAsync("cloud: " + error);
        await Assertions.Expect(page.Locator("#outbox-age")).ToHaveTextAsync(SecondsRegex(), new() { Timeout = 30_000 });
        await ShotAsync(page, "2-cloud-down");
        await Assertions.Expect(page.Locator("#outbox-records")).Not.ToHaveTextAsync(waiting.ToString(CultureInfo.InvariantCulture) + " records", new() { Timeout = 30_000 });
        Assert.True(Number(await page.Locator("#outbox-records").InnerTextAsync()) > waiting, "the outbox did not grow while the cloud was down");

        // The cloud comes back: the page recovers by itself, and the cloud has received the backlog.
        await p.StartCloudAsync(cloud.Port);
        await Assertions.Expect(page.Locator("#verdict")).ToHaveTextAsync("All good: collecting and delivering.", expect);
        await Assertions.Expect(page.Locator("#uplink-state")).ToHaveClassAsync("ok");
        await Assertions.Expect(page.Locator("#uplink-error")).ToHaveTextAsync("");
        var status = await p.EdgeStatusAsync();
        Assert.False(status.GetProperty("uplink").TryGetProperty("failingSince", out _), "the uplink still reports a failure");
        Assert.True(p.CloudObservations().Count >= deliveredBefore + waiting, $"cloud has {p.CloudObservations().Count}, expected at least {deliveredBefore} + {waiting}");
        await ShotAsync(page, "3-recovered");
    }

    /// <summary>
    /// Reads /api/status, loads the page, reads what <paramref name="read"/> takes from it, reads /api/status again: counts
    /// that only grow must lie between the two reads, whenever the page refreshed itself.
    /// </summary>
    private static async Task<(JsonElement Before, T Shown, JsonElement After)> LoadAsync<T>(Pipeline p, IPage page, Func<Task<T>> read)
    {
        var before = await p.EdgeStatusAsync();
        var response = await page.GotoAsync(p.EdgeUri.ToString());
        Assert.Equal(200, response!.Status);
        var shown = await read();
        var after = await p.EdgeStatusAsync();
        return (before, shown, after);
    }

    /// <summary>
    /// Each machine row's Status cell is that machine's <c>status</c> in /api/status, one of the five statuses, coloured by it,
    /// with the program and parts /api/status gives. Statuses change while the simulator runs, so a row counts only when
    /// the machine's status and its start (<c>statusSince</c>) were the same in the reads before and after the page load:
    /// then the page, rendered in between, must show that one. Loads again until every machine was seen so.
    /// </summary>
    private static async Task AssertMachineStatusesAsync(Pipeline p, IPage page)
    {
        string[] five = ["ACTIVE", "IDLE", "SETUP", "ALARM", "OFFLINE"];
        var checkedIds = new HashSet<string>(StringComparer.Ordinal);
        var count = Machines(await p.EdgeStatusAsync()).Count;
        for (var attempt = 0; attempt < 30 && checkedIds.Count < count; attempt++)
        {
            var (before, shown, after) = await LoadAsync(p, page, async () =>
            {
                var cells = new Dictionary<string, (string Status, string Class, string Program, string Parts)>(StringComparer.Ordinal);
                foreach (var row in await page.Locator("#machines tr[data-machine]").AllAsync())
                {
                    var cell = row.Locator(".status");
                    cells[(await row.GetAttributeAsync("data-machine"))!] = (await cell.InnerTextAsync(), (await cell.GetAttributeAsync("class"))!,
                        await row.Locator(".program").InnerTextAsync(), await row.Locator(".parts").InnerTextAsync());
                }
                return cells;
            });
            foreach (var m in Machines(after))
            {
                var id = m.GetProperty("id").GetString()!;
                var was = Machine(before, id);
                var status = m.GetProperty("status").GetString()!;
                Assert.Contains(status, five);
                Assert.Contains(shown[id].Status, five);
                if (was.GetProperty("status").GetString() != status || Text(was, "statusSince") != Text(m, "statusSince"))
                {
                    continue; // changed while the page loaded: look again.
                }
                Assert.Equal(status, shown[id].Status);
                Assert.Equal($"status {status}", shown[id].Class);
                checkedIds.Add(id);
                if (Text(was, "program") == Text(m, "program"))
                {
                    Assert.Equal(Text(m, "program") ?? "", shown[id].Program);
                }
                Assert.InRange(Number(shown[id].Parts), was.GetProperty("parts").GetInt64(), m.GetProperty("parts").GetInt64());
            }
        }
        Assert.Equal(count, checkedIds.Count);
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static List<JsonElement> Machines(JsonElement status) => [.. status.GetProperty("machines").EnumerateArray()];

    private static JsonElement Machine(JsonElement status, string id) =>
        status.GetProperty("machines").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);

    private static long Number(string text) => long.Parse(NumberRegex().Match(text).Value, CultureInfo.InvariantCulture);

    private async Task ShotAsync(IPage page, string name)
    {
        var path = Path.Combine(BrowserFixture.Artifacts, $"status-page-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex NumberRegex();

    [GeneratedRegex(@"^[1-9]\d* s$")]
    private static partial Regex SecondsRegex();

    [GeneratedRegex(@"^retrying: failing for .+, next attempt in ")]
    private static partial Regex RetryingRegex();
}
