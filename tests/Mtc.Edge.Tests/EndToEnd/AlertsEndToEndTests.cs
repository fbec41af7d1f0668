using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// Alerts from real parts: the simulator replays a log (an idle machine that raises a Fault and clears it), the edge collects
/// it, the cloud evaluates its rules every half second with short thresholds set through the settings API. The edge is then
/// killed (edge silent) and started again, and the simulator restarted (a data gap).
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class AlertsEndToEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private const string Devices = """
        <?xml version="1.0" encoding="UTF-8"?>
        <MTConnectDevices xmlns="urn:mtconnect.org:MTConnectDevices:2.0">
          <Header creationTime="2026-03-02T10:00:00Z" sender="test" instanceId="1" version="2.0.0.0" bufferSize="1024" assetBufferSize="16" assetCount="0"/>
          <Devices>
            <Device id="m1" name="M1" uuid="m1-uuid">
              <DataItems>
                <DataItem id="avail" type="AVAILABILITY" category="EVENT"/>
              </DataItems>
              <Components>
                <Controller id="c1">
                  <DataItems>
                    <DataItem id="exec" name="exec" type="EXECUTION" category="EVENT"/>
                    <DataItem id="pc" name="pcount" type="PART_COUNT" category="EVENT"/>
                    <DataItem id="sys" name="system" type="SYSTEM" category="CONDITION"/>
                    <DataItem id="ld" name="load" type="LOAD" category="SAMPLE" units="PERCENT"/>
                  </DataItems>
                </Controller>
              </Components>
            </Device>
          </Devices>
        </MTConnectDevices>
        """;

    /// <summary>
    /// Ten minutes of a machine left READY (IDLE) with its spindle load sampled every second (so the edge always has something
    /// to send); a Fault from 25 s to 40 s, late enough that the edge is streaming when it comes.
    /// </summary>
    private static IEnumerable<string> Log()
    {
        var t0 = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        string At(int s) => t0.AddSeconds(s).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        yield return At(0) + "|avail|AVAILABLE|exec|READY|pcount|0";
        for (var s = 1; s < 600; s++)
        {
            yield return At(s) + "|load|" + (10 + (s % 7)).ToString(CultureInfo.InvariantCulture);
            if (s == 25)
            {
                yield return At(s) + "|system|FAULT|1010|HIGH|OVER|Spindle overload";
            }
            if (s == 40)
            {
                yield return At(s) + "|system|NORMAL||||";
            }
        }
    }

    [Fact]
    public async Task Idle_fault_silent_edge_and_gap_open_alerts_with_evidence_and_resolve()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Sub("Devices.xml"), Devices);
        await File.WriteAllLinesAsync(dir.Sub("log.txt"), Log());
        await using var p = new Pipeline();
        await p.StartSimAsync("--devices", dir.Sub("Devices.xml"), "--shdr", dir.Sub("log.txt"), "--device", "M1");
        await p.StartCloudAsync(0, "--Alerts:EvaluationSeconds", "0.5");
        var (_, adminKey) = await ApiKeyAdmin.CreateAsync(new DatabaseTarget("sqlite", p.CloudDb), "plant-tenant", ["admin"], "ops",
            TimeProvider.System, CancellationToken.None);
        using var cloud = new HttpClient { BaseAddress = p.CloudUri };
        cloud.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using (var put = await cloud.PutAsync("/api/ext/alerts/settings", new StringContent(
            """{"rules":[{"rule":"edge_silent","threshold":0.1},{"rule":"machine_idle","threshold":0.05}]}""", Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        await p.StartEdgeAsync();

        // IDLE from the start: opens after 3 s, resolves when the Fault turns the machine to ALARM.
        var idle = await AlertAsync(cloud, p, "rule=machine_idle", a => true);
        Assert.Equal("IDLE", idle.GetProperty("evidence").GetProperty("status").GetString());
        var machine = idle.GetProperty("machineId").GetString();

        var alarm = await AlertAsync(cloud, p, "rule=machine_alarm", a => true);
        Assert.Equal(machine, alarm.GetProperty("machineId").GetString());
        var evidence = alarm.GetProperty("evidence");
        Assert.Equal(("1010", "Spindle overload", "FAULT"),
            (evidence.GetProperty("nativeCode").GetString(), evidence.GetProperty("message").GetString(), evidence.GetProperty("level").GetString()));
        await AlertAsync(cloud, p, "state=resolved&rule=machine_idle", a => a.GetProperty("id").GetInt64() == idle.GetProperty("id").GetInt64());
        await AlertAsync(cloud, p, "state=resolved&rule=machine_alarm", a => a.GetProperty("id").GetInt64() == alarm.GetProperty("id").GetInt64());
        // IDLE again after the Fault cleared: a new alert, the old one stays resolved.
        await AlertAsync(cloud, p, "state=open&rule=machine_idle", a => a.GetProperty("id").GetInt64() != idle.GetProperty("id").GetInt64());

        p.Edge!.Kill();
        var silent = await AlertAsync(cloud, p, "state=open&rule=edge_silent", a => a.GetProperty("edgeId").GetString() == "plant-1");
        Assert.True(silent.GetProperty("evidence").GetProperty("silentMinutes").GetDouble() >= 0.1);
        await p.StartEdgeAsync();
        await AlertAsync(cloud, p, "state=resolved&rule=edge_silent", a => a.GetProperty("id").GetInt64() == silent.GetProperty("id").GetInt64());

        await p.PostSimAsync("/_sim/restart");
        var gap = await AlertAsync(cloud, p, "state=open&rule=data_gap", a => true);
        Assert.True(gap.GetProperty("evidence").GetProperty("gaps").GetInt64() >= 1, gap.ToString());
        Assert.True(gap.GetProperty("evidence").GetProperty("missed").GetInt64() >= 0, gap.ToString());
    }

    /// <summary>Polls the alerts list until an item matches; the first match.</summary>
    private static async Task<JsonElement> AlertAsync(HttpClient cloud, Pipeline p, string query, Func<JsonElement, bool> match)
    {
        JsonElement found = default;
        await Pipeline.WaitUntilAsync(async () =>
        {
            var page = await cloud.GetFromJsonAsync<JsonElement>("/api/ext/alerts?" + query);
            var hit = page.GetProperty("items").EnumerateArray().Where(match).ToList();
            found = hit.FirstOrDefault();
            return hit.Count > 0;
        }, Wait, () => $"no alert for {query}: {AllAlerts(cloud)}\n{p.Logs()}");
        return found;
    }

    private static string AllAlerts(HttpClient cloud) => cloud.GetStringAsync("/api/ext/alerts").GetAwaiter().GetResult();
}
