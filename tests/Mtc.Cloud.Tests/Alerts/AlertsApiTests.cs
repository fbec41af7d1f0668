using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Wire;
using static Mtc.Cloud.Tests.Alerts.AlertFeed;

namespace Mtc.Cloud.Tests.Alerts;

/// <summary>The alerts API over the real host: its evaluation loop opens and resolves alerts, settings are validated, lists page.</summary>
public sealed class AlertsApiTests() : ApiTestBase(new SqliteBackend())
{
    private readonly ShiftedClock _clock = new();

    protected override TimeProvider Clock => _clock;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Alerts:EvaluationSeconds"] = "0.2" };

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string json) =>
        client.PutAsync("/api/ext/alerts/settings", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    private async Task<JsonElement> WaitForAsync(string query, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = await Batches.GetJsonAsync(Reader, "/api/ext/alerts?" + query);
            if (page.GetProperty("items").GetArrayLength() == count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, page.GetProperty("items").GetArrayLength());
                return page;
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Settings_are_admin_only_validated_and_kept_per_tenant()
    {
        var settings = await Batches.GetJsonAsync(Admin, "/api/ext/alerts/settings");
        var rules = settings.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(8, rules.Count);
        var idle = rules.Single(r => r.GetProperty("rule").GetString() == "machine_idle");
        Assert.Equal((30, true, "minutes"), (idle.GetProperty("threshold").GetDouble(), idle.GetProperty("enabled").GetBoolean(), idle.GetProperty("unit").GetString()));
        using (var forbidden = await Reader.GetAsync("/api/ext/alerts/settings"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
        using (var unknown = await PutAsync(Admin, """{"rules":[{"rule":"machine_sleepy","threshold":3}]}"""))
        {
            var problem = await Batches.ProblemAsync(unknown, 400, "invalid-request");
            Assert.Equal("rules[0].rule", problem.GetProperty("field").GetString());
        }
        using (var negative = await PutAsync(Admin, """{"rules":[{"rule":"machine_idle","enabled":false},{"rule":"slow_cycle","threshold":0.5}]}"""))
        {
            var problem = await Batches.ProblemAsync(negative, 400, "invalid-request");
            Assert.Equal("rules[1].threshold", problem.GetProperty("field").GetString());
        }
        using (var broken = await PutAsync(Admin, """{"rules":[{"rule":"""))
        {
            await Batches.ProblemAsync(broken, 400, "invalid-json");
        }
        using (var ok = await PutAsync(Admin, """{"rules":[{"rule":"machine_idle","threshold":12.5}]}"""))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        idle = (await Batches.GetJsonAsync(Admin, "/api/ext/alerts/settings")).GetProperty("rules").EnumerateArray()
            .Single(r => r.GetProperty("rule").GetString() == "machine_idle");
        // The rejected request changed nothing: machine_idle is still enabled.
        Assert.Equal((12.5, true), (idle.GetProperty("threshold").GetDouble(), idle.GetProperty("enabled").GetBoolean()));
        var other = (await Batches.GetJsonAsync(OtherTenant, "/api/ext/alerts/settings")).GetProperty("rules").EnumerateArray()
            .Single(r => r.GetProperty("rule").GetString() == "machine_idle");
        Assert.Equal(30, other.GetProperty("threshold").GetDouble());
    }

    [Fact]
    public async Task The_loop_opens_and_resolves_alerts_and_the_list_filters_and_pages()
    {
        var now = _clock.GetUtcNow();
        var offline = new[] { "m1", "m2", "m3" }.Select(m => (WireRecord)(Status(m, "OFFLINE", now) with { Seq = 0 })).ToList();
        await Batches.PostOkAsync(Edge, Numbered("e1", offline));
        _clock.Advance(TimeSpan.FromMinutes(3));
        await WaitForAsync("state=open&rule=machine_offline", 3);

        var first = await Batches.GetJsonAsync(Reader, "/api/ext/alerts?rule=machine_offline&limit=2");
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await Batches.GetJsonAsync(Reader, "/api/ext/alerts?rule=machine_offline&limit=2&cursor=" + cursor);
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        var paged = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("machineId").GetString()).Order();
        Assert.Equal(["m1", "m2", "m3"], paged);

        var m2 = Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/alerts?machineId=m2&rule=machine_offline")).GetProperty("items").EnumerateArray());
        var id = m2.GetProperty("id").GetInt64();
        var one = await Batches.GetJsonAsync(Reader, $"/api/ext/alerts/{id}");
        Assert.Equal(("open", "OFFLINE"), (one.GetProperty("state").GetString(), one.GetProperty("evidence").GetProperty("status").GetString()));
        using (var hidden = await OtherTenant.GetAsync($"/api/ext/alerts/{id}"))
        {
            await Batches.ProblemAsync(hidden, 404, "not-found");
        }
        using (var badState = await Reader.GetAsync("/api/ext/alerts?state=closed"))
        {
            Assert.Equal("state", (await Batches.ProblemAsync(badState, 400, "invalid-request")).GetProperty("parameter").GetString());
        }
        using (var badRule = await Reader.GetAsync("/api/ext/alerts?rule=nope"))
        {
            await Batches.ProblemAsync(badRule, 400, "invalid-request");
        }

        var back = _clock.GetUtcNow();
        await Batches.PostOkAsync(Edge, Numbered("e1", [Status("m2", "OFFLINE", now, back) with { Seq = 0 }, Status("m2", "IDLE", back) with { Seq = 0 }], 4));
        var resolved = await WaitForAsync("state=resolved&machineId=m2", 1);
        Assert.Equal(id, resolved.GetProperty("items")[0].GetProperty("id").GetInt64());
        Assert.Equal(2, (await Batches.GetJsonAsync(Reader, "/api/ext/alerts?state=open&rule=machine_offline")).GetProperty("items").GetArrayLength());
    }

    private static IngestBatch Numbered(string edge, IReadOnlyList<WireRecord> records, long from = 1) =>
        new(edge, "s1", from, from + records.Count - 1, records.Select((r, i) => r with { Seq = from + i }).ToList());
}
