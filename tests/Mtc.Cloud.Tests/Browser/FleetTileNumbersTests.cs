using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Browser;

/// <summary>
/// The fleet tiles' production numbers in a real browser against the real cloud process (SQLite): parts and utilization this
/// shift and today in plant time, last and median cycle today, compared with what the summary API answers for the same ranges.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class FleetTileNumbersTests(BrowserFixture browser) : CloudPageTests
{
    /// <summary>Registers the machines and posts their events (times in hours after the plant's local midnight).</summary>
    private static async Task PostAsync(HttpClient edge, DateTimeOffset midnight, Dictionary<string, MachineEvent[]> machines)
    {
        var body = JsonSerializer.Serialize(new { edgeId = "plant-1", machines = machines.Keys.ToArray() });
        using (var setup = await edge.PostAsync("/api/ext/setup", new StringContent(body, Encoding.UTF8, "application/json")))
        {
            Assert.True(setup.IsSuccessStatusCode, await setup.Content.ReadAsStringAsync());
        }
        var records = machines.SelectMany(m => m.Value.Select(e => (Machine: m.Key, Event: e))).Select((x, i) => (WireRecord)new DerivedEventRecord
        {
            Seq = i + 1,
            MachineId = x.Machine,
            Event = new DerivedEvent(x.Machine + ":" + x.Event.Id, x.Event.Type, new DateTimeOffset(x.Event.Start, TimeSpan.Zero),
                x.Event.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, x.Event.ToData()),
        }).ToList();
        await Batches.PostOkAsync(edge, new IngestBatch("plant-1", "s1", 1, records.Count, records));
    }

    private static MachineCycle Cycle(DateTimeOffset midnight, int seq, double hours, int seconds) => new()
    {
        Id = $"{seq}:cycle", Start = midnight.AddHours(hours).UtcDateTime, End = midnight.AddHours(hours).AddSeconds(seconds).UtcDateTime,
        StartSequence = seq, DurationSeconds = seconds, ActiveSeconds = seconds, Program = "O1", Parts = 1, Completion = CycleCompletion.Completed,
    };

    private static PartsProduced Part(DateTimeOffset midnight, int seq, double hours, long count) => new()
    {
        Id = $"{seq}:part", Start = midnight.AddHours(hours).UtcDateTime, End = midnight.AddHours(hours).UtcDateTime, StartSequence = seq,
        Count = count, Counter = seq,
    };

    private static StatusInterval Status(DateTimeOffset midnight, int seq, double from, double? to, string status) => new()
    {
        Id = $"{seq}:status", Start = midnight.AddHours(from).UtcDateTime, End = to is { } t ? midnight.AddHours(t).UtcDateTime : null,
        InstanceId = "1", StartSequence = seq, Status = status, Seconds = to is { } e ? (e - from) * 3600 : 0,
    };

    /// <summary>Cycle seconds as the tile writes them: rounded to a tenth, no trailing zero.</summary>
    private static string Seconds(JsonElement value) => value.ValueKind == JsonValueKind.Null ? "–"
        : (Math.Round(value.GetDouble() * 10, MidpointRounding.AwayFromZero) / 10).ToString(CultureInfo.InvariantCulture) + " s";

    private static async Task<double> PercentAsync(ILocator cell)
    {
        var text = await cell.TextContentAsync();
        Assert.Matches("^[0-9]+ %$", text);
        return double.Parse(text![..^2], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Tiles_show_parts_utilization_and_cycle_times_this_shift_and_today_as_the_summary_api_gives_them()
    {
        using var edge = Cloud.ClientWith(await KeyAsync("acme", "edge:ingest"));
        using var reader = Cloud.ClientWith(await KeyAsync("acme", "ext:read"));
        using var admin = Cloud.ClientWith(await KeyAsync("acme", "admin"));
        // A zone where it is about noon now: today began about 12 h ago and the early shift (06:00-14:00) about 6 h ago.
        var hours = 12 - DateTimeOffset.UtcNow.Hour;
        var zone = hours == 0 ? "Etc/GMT" : "Etc/GMT" + (hours > 0 ? "-" : "+") + Math.Abs(hours);
        using (var put = await admin.PutAsync("/api/ext/plant", new StringContent($$"""
            {"timeZone": "{{zone}}", "shifts": [
              {"name": "early", "start": "06:00", "end": "14:00"}, {"name": "late", "start": "14:00", "end": "22:00"},
              {"name": "night", "start": "22:00", "end": "06:00"}]}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        var plant = await Batches.GetJsonAsync(reader, "/api/ext/plant");
        Assert.Equal("early", plant.GetProperty("currentShift").GetProperty("name").GetString());
        var midnight = plant.GetProperty("today").GetProperty("from").GetDateTimeOffset();
        // m1: a 200 s cycle in the night (today, not this shift), then 240, 300 and 180 s in the early shift with 2 parts each,
        // ACTIVE 08:00-10:30 and IDLE since. m2: IDLE since 01:00 with one 500 s cycle and 3 parts in the night.
        await PostAsync(edge, midnight, new()
        {
            ["m1"] =
            [
                Cycle(midnight, 1, 4, 200), Part(midnight, 2, 4.1, 1), Status(midnight, 3, 8, 10.5, MachineStatus.Active),
                Cycle(midnight, 4, 8, 240), Part(midnight, 5, 8.1, 2), Cycle(midnight, 6, 9, 300), Part(midnight, 7, 9.1, 2),
                Cycle(midnight, 8, 10, 180), Part(midnight, 9, 10.1, 2), Status(midnight, 10, 10.5, null, MachineStatus.Idle),
            ],
            ["m2"] = [Status(midnight, 1, 1, null, MachineStatus.Idle), Cycle(midnight, 2, 3, 500), Part(midnight, 3, 3.2, 3)],
        });

        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var summaryReads = new List<DateTime>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/ext/fleet/summary", StringComparison.Ordinal))
            {
                lock (summaryReads)
                {
                    summaryReads.Add(DateTime.UtcNow);
                }
            }
        };
        await page.GotoAsync(new Uri(Cloud.Address, "/").ToString());
        await page.FillAsync("#key", await KeyAsync("acme", "ui:read"));
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#tiles article .today-parts")).ToHaveCountAsync(2);

        var shift = plant.GetProperty("currentShift");
        var ranges = new Dictionary<string, string>
        {
            ["shift"] = $"from={Uri.EscapeDataString(shift.GetProperty("from").GetString()!)}&to={Uri.EscapeDataString(shift.GetProperty("to").GetString()!)}",
            ["today"] = $"from={Uri.EscapeDataString(plant.GetProperty("today").GetProperty("from").GetString()!)}&to={Uri.EscapeDataString(plant.GetProperty("today").GetProperty("to").GetString()!)}",
        };
        var expected = new Dictionary<string, (long ShiftParts, long TodayParts, string Last, string Median)>
        {
            ["m1"] = (6, 7, "180 s", "220 s"),
            ["m2"] = (0, 3, "500 s", "500 s"),
        };
        foreach (var (id, known) in expected)
        {
            var tile = page.Locator($"#tiles article[data-machine='{id}']");
            var inShift = await Batches.GetJsonAsync(reader, $"/api/ext/machines/{id}/summary?" + ranges["shift"]);
            var today = await Batches.GetJsonAsync(reader, $"/api/ext/machines/{id}/summary?" + ranges["today"]);
            // The API's numbers are the ones worked out by hand, and the tile shows the API's.
            Assert.Equal((known.ShiftParts, known.TodayParts), (inShift.GetProperty("parts").GetInt64(), today.GetProperty("parts").GetInt64()));
            Assert.Equal((known.Last, known.Median), (Seconds(today.GetProperty("lastCycleSeconds")), Seconds(today.GetProperty("medianCycleSeconds"))));
            await Assertions.Expect(tile.Locator(".shift-parts")).ToHaveTextAsync(inShift.GetProperty("parts").GetInt64().ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(tile.Locator(".today-parts")).ToHaveTextAsync(today.GetProperty("parts").GetInt64().ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(tile.Locator(".last-cycle")).ToHaveTextAsync(Seconds(today.GetProperty("lastCycleSeconds")));
            await Assertions.Expect(tile.Locator(".median-cycle")).ToHaveTextAsync(Seconds(today.GetProperty("medianCycleSeconds")));
            // Utilization is ACTIVE over the time passed, which grows between the page's read and this one: within a point.
            Assert.InRange(await PercentAsync(tile.Locator(".shift-utilization")) - (inShift.GetProperty("utilization").GetDouble() * 100), -1, 1);
            Assert.InRange(await PercentAsync(tile.Locator(".today-utilization")) - (today.GetProperty("utilization").GetDouble() * 100), -1, 1);
            await Assertions.Expect(tile.Locator("dt").Filter(new LocatorFilterOptions { HasText = "Shift early parts" })).ToHaveCountAsync(1);
        }
        // m1 was ACTIVE 2.5 h of the shift's 6-7 h so far; m2 not at all.
        Assert.InRange(await PercentAsync(page.Locator("#tiles article[data-machine='m1'] .shift-utilization")), 2.5 / 8 * 100 - 1, 2.5 / 6 * 100 + 1);
        await Assertions.Expect(page.Locator("#tiles article[data-machine='m2'] .shift-utilization")).ToHaveTextAsync("0 %");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "cloud-fleet-numbers.png"), FullPage = true });

        // The status part refreshes every 3 s, the summaries at most every 30 s: two reads (shift and today) so far.
        await Task.Delay(TimeSpan.FromSeconds(8));
        lock (summaryReads)
        {
            Assert.Equal(2, summaryReads.Count);
        }
    }
}
