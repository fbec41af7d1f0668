using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Mtc.Edge.Tests.EndToEnd;

namespace Mtc.Edge.Tests.Collectors.Modbus;

/// <summary>A pymodbus module, the edge and the cloud as real processes: the cloud's part counts and cycle times are what the test made.</summary>
public sealed class ModbusEndToEndTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_cloud_counts_the_parts_and_cycle_times_the_counter_made()
    {
        using var server = await ModbusServer.StartAsync(0, 1, "1:0:1000", "1:1:42");
        await using var p = new Pipeline();
        await p.StartCloudAsync();
        await p.StartEdgeOnCountersAsync(server.Port, "00:00:00.1", ("counter-1", 0), ("counter-2", 1));
        using var api = new HttpClient { BaseAddress = p.CloudUri };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", p.ApiKey);

        async Task<JsonElement> Machine(string id)
        {
            // 404 until the edge has registered the machine.
            using var response = await api.GetAsync($"/api/ext/machines/{id}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        }
        static long? PartCount(JsonElement m) => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("partCount", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : null;

        await Pipeline.WaitUntilAsync(async () => PartCount(await Machine("counter-1")) == 1000 && PartCount(await Machine("counter-2")) == 42,
            Long, () => $"the baseline did not reach the cloud\n{p.Logs()}");

        // One part, then every ~1.5 s one part, one part, two parts: three cycles between the four increments.
        var clock = Stopwatch.StartNew();
        var setAt = new List<double>();
        long value = 1000;
        foreach (var parts in new[] { 1, 1, 1, 2 })
        {
            if (setAt.Count > 0)
            {
                await Task.Delay(1500);
            }
            value += parts;
            await server.SetAsync(0, value);
            setAt.Add(clock.Elapsed.TotalSeconds);
        }

        List<JsonElement> cycles = [];
        await Pipeline.WaitUntilAsync(async () =>
        {
            cycles = (await api.GetFromJsonAsync<JsonElement>("/api/ext/machines/counter-1/cycle-time?limit=100")).GetProperty("items").EnumerateArray().ToList();
            return cycles.Count >= 3 && PartCount(await Machine("counter-1")) == 1005;
        }, Long, () => $"{cycles.Count} cycles in the cloud\n{p.Logs()}");

        Assert.Equal([1L, 1L, 2L], cycles.Select(c => c.GetProperty("parts").GetInt64()));
        for (var i = 0; i < 3; i++)
        {
            // Each increment is seen at the first poll after it (every 0.1 s): a cycle is the test's interval within two polls and some scheduling.
            var made = setAt[i + 1] - setAt[i];
            var seen = cycles[i].GetProperty("durationSeconds").GetDouble();
            Assert.True(Math.Abs(seen - made) <= 0.35, $"cycle {i}: {seen} s in the cloud, {made:0.000} s made");
        }
        Assert.Equal(42, PartCount(await Machine("counter-2")));
        Assert.Empty((await api.GetFromJsonAsync<JsonElement>("/api/ext/machines/counter-2/cycle-time")).GetProperty("items").EnumerateArray());
    }
}
