using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Mtc.Edge.Outbox;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// The outbox quota with real processes: a 1 MiB outbox (the smallest allowed) while the cloud is down. The files on disk
/// stay within it, every drop is counted, and once the cloud is back its gap records account for every sequence it lacks.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed partial class QuotaTests(ITestOutputHelper output)
{
    private const long MaxBytes = 1 << 20;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_full_outbox_stays_within_its_bytes_and_every_dropped_sequence_reaches_the_cloud_as_a_gap()
    {
        await using var p = new Pipeline();
        // The simulator's buffer holds the whole run, so the test can read back everything it served.
        await p.StartSimAsync("--generate", "4", "--seed", "13", "--speed", "100", "--buffer", "2000000");
        var cloud = await p.StartCloudAsync();
        await p.StartEdgeAsync(maxBytes: MaxBytes);
        var first = await p.EdgeContinuedFromAsync();
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);
        // The first connect also stored the agent's /current (sequences below the first streamed one): let the cloud
        // acknowledge it, so everything the quota can drop lies in the range the test reads back.
        var connected = (await p.EdgeStatusAsync()).GetProperty("outbox").GetProperty("lastSeq").GetInt64();
        await Pipeline.WaitUntilAsync(async () =>
            (await p.EdgeStatusAsync()).GetProperty("uplink").GetProperty("hwm").GetInt64() >= connected, Long, p.Logs);

        // The cloud goes away; the outbox fills up and the quota drops the oldest samples, several times over.
        p.StopCloud();
        long peak = 0;
        var deadline = DateTime.UtcNow + Long;
        var polled = DateTime.MinValue;
        while (true)
        {
            peak = Math.Max(peak, OutboxFileBytes(p.EdgeData));
            if (DateTime.UtcNow - polled > TimeSpan.FromSeconds(1))
            {
                polled = DateTime.UtcNow;
                var o = (await p.EdgeStatusAsync()).GetProperty("outbox");
                if (o.GetProperty("quotaDrops").GetInt64() >= 5 && o.GetProperty("droppedRecords").GetInt64() >= 2000)
                {
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"the quota dropped too little within {Long}: {o}\n{p.Logs()}");
            }
            await Task.Delay(20);
        }
        output.WriteLine($"outbox files peaked at {peak} bytes (quota {MaxBytes})");
        Assert.True(peak <= MaxBytes, $"outbox.db + -wal + -shm reached {peak} bytes, over the {MaxBytes}-byte quota");

        // Drops are counted in /api/status and /metrics.
        var before = (await p.EdgeStatusAsync()).GetProperty("outbox").GetProperty("droppedRecords").GetInt64();
        var metric = DroppedMetric(await p.Http.GetStringAsync(new Uri(p.EdgeUri, "/metrics")));
        var after = (await p.EdgeStatusAsync()).GetProperty("outbox").GetProperty("droppedRecords").GetInt64();
        Assert.InRange(metric, before, after);

        // The cloud comes back and receives the rest: the outbox drains.
        await p.StartCloudAsync(cloud.Port);
        await Pipeline.WaitUntilAsync(async () =>
        {
            var s = await p.EdgeStatusAsync();
            return !s.GetProperty("uplink").TryGetProperty("failingSince", out _) && s.GetProperty("outbox").GetProperty("records").GetInt64() < 500;
        }, Long, p.Logs);
        var last = await p.SimLastSequenceAsync();
        await p.WaitDeliveredThroughAsync(last, Long);

        // Everything read back independently: the simulator's /sample (LINQ to XML) and the cloud's API.
        var (instance, served) = await SimObservationsAsync(p, first, last);
        using var api = new HttpClient { BaseAddress = p.CloudUri, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", p.ApiKey);
        var machines = await MachinesAsync(api);
        var delivered = new Dictionary<long, int>();
        foreach (var id in machines.Values)
        {
            foreach (var (inst, seq) in await ObservationsAsync(api, id))
            {
                if (inst == instance && seq >= first && seq <= last)
                {
                    delivered[seq] = delivered.GetValueOrDefault(seq) + 1;
                }
            }
        }
        Assert.All(delivered, kv => Assert.True(kv.Value == 1, $"sequence {kv.Key} stored {kv.Value} times"));
        Assert.All(delivered.Keys, s => Assert.True(served.ContainsKey(s), $"the cloud has sequence {s}, which the simulator did not serve"));
        var gaps = (await EventsAsync(api, "gap")).Where(g => g.Data.GetProperty("source").GetString() == OutboxStore.QuotaSource).ToList();
        Assert.NotEmpty(gaps);

        // Per machine: the sequences the cloud lacks are samples, each inside one of that machine's quota gaps, and the
        // gaps' missed counts add up to exactly their number.
        var absent = served.Where(kv => !delivered.ContainsKey(kv.Key)).ToList();
        Assert.True(absent.Count >= 1000, $"only {absent.Count} sequences are absent");
        foreach (var group in absent.GroupBy(kv => machines[kv.Value.Device]))
        {
            var own = gaps.Where(g => g.MachineId == group.Key).Select(g => g.Data).ToList();
            Assert.True(group.Count() == own.Sum(g => g.GetProperty("missed").GetInt64()),
                $"{group.Key}: {group.Count()} sequences absent ({group.Count(kv => kv.Value.Category == "SAMPLE")} samples) in "
                + $"{group.Min(kv => kv.Key)}..{group.Max(kv => kv.Key)}; its gaps: {string.Join(", ", own.Select(g => g.ToString()))}");
            foreach (var (seq, (_, category)) in group)
            {
                Assert.Equal("SAMPLE", category);
                Assert.Contains(own, g => g.GetProperty("fromSequence").GetInt64() <= seq && seq <= g.GetProperty("toSequence").GetInt64());
            }
        }
        Assert.All(gaps, g => Assert.Contains(g.MachineId, machines.Values));
        var missed = gaps.Sum(g => g.Data.GetProperty("missed").GetInt64());
        Assert.Equal(served.Count, delivered.Count + missed);

        // The edge's counters agree with what the cloud received.
        Assert.Equal(missed, (await p.EdgeStatusAsync()).GetProperty("outbox").GetProperty("droppedRecords").GetInt64());
        Assert.Equal(missed, DroppedMetric(await p.Http.GetStringAsync(new Uri(p.EdgeUri, "/metrics"))));
        Assert.Contains($"{missed} records in ", await p.Http.GetStringAsync(p.EdgeUri), StringComparison.Ordinal);
        output.WriteLine($"served {served.Count} sequences in [{first}, {last}]: {delivered.Count} delivered, {missed} dropped in {gaps.Count} gap records");
    }

    /// <summary>What the outbox occupies on disk: the database, its write-ahead log and the log's index.</summary>
    internal static long OutboxFileBytes(string dataDirectory) =>
        new[] { "", "-wal", "-shm" }.Select(s => new FileInfo(Path.Combine(dataDirectory, OutboxStore.FileName + s)))
            .Sum(f => f.Exists ? f.Length : 0);

    private static long DroppedMetric(string metrics)
    {
        var m = DroppedRegex().Match(metrics);
        Assert.True(m.Success, $"no dropped-records metric in:\n{metrics}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Sequence → (device name, category) of everything the simulator's machines served in [from, to].</summary>
    private static async Task<(string Instance, Dictionary<long, (string Device, string Category)> Served)> SimObservationsAsync(Pipeline p, long from, long to)
    {
        var probe = XDocument.Parse(await p.Http.GetStringAsync(new Uri(p.SimUri, "/probe")));
        var agents = probe.Descendants().Where(e => e.Name.LocalName == "Agent").Select(e => (string?)e.Attribute("name")).ToHashSet();
        var served = new Dictionary<long, (string, string)>();
        var instance = "";
        for (var next = from; next <= to;)
        {
            var doc = XDocument.Parse(await p.Http.GetStringAsync(new Uri(p.SimUri, string.Create(CultureInfo.InvariantCulture, $"/sample?from={next}&count=10000"))));
            var header = doc.Descendants().First(e => e.Name.LocalName == "Header");
            instance = (string)header.Attribute("instanceId")!;
            foreach (var stream in doc.Descendants().Where(e => e.Name.LocalName == "DeviceStream" && !agents.Contains((string?)e.Attribute("name"))))
            {
                foreach (var o in stream.Descendants().Where(e => e.Attribute("sequence") is not null))
                {
                    var s = long.Parse((string)o.Attribute("sequence")!, CultureInfo.InvariantCulture);
                    if (s >= from && s <= to)
                    {
                        var category = o.Parent!.Name.LocalName switch { "Samples" => "SAMPLE", "Events" => "EVENT", _ => "CONDITION" };
                        served[s] = ((string)stream.Attribute("name")!, category);
                    }
                }
            }
            var n = long.Parse((string)header.Attribute("nextSequence")!, CultureInfo.InvariantCulture);
            if (n <= next)
            {
                break;
            }
            next = n;
        }
        return (instance, served);
    }

    /// <summary>The cloud's machines: name → id.</summary>
    internal static async Task<Dictionary<string, string>> MachinesAsync(HttpClient api)
    {
        var list = await api.GetFromJsonAsync<JsonElement>("/api/ext/machines");
        return list.GetProperty("items").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("id").GetString()!);
    }

    /// <summary>All of a machine's observations in the cloud, page by page: (instanceId, sequence).</summary>
    internal static async Task<List<(string Instance, long Seq)>> ObservationsAsync(HttpClient api, string machine)
    {
        var list = new List<(string, long)>();
        string? cursor = null;
        do
        {
            var url = $"/api/ext/machines/{Uri.EscapeDataString(machine)}/observations?limit=10000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await api.GetFromJsonAsync<JsonElement>(url);
            foreach (var o in page.GetProperty("items").EnumerateArray())
            {
                list.Add((o.GetProperty("instanceId").GetString() ?? "", o.GetProperty("sequence").GetInt64()));
            }
            cursor = page.TryGetProperty("nextCursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        while (cursor is not null);
        return list;
    }

    /// <summary>All the cloud's events of one type: (machineId, data).</summary>
    internal static async Task<List<(string? MachineId, JsonElement Data)>> EventsAsync(HttpClient api, string type)
    {
        var list = new List<(string?, JsonElement)>();
        var cursor = "0";
        while (true)
        {
            var page = await api.GetFromJsonAsync<JsonElement>($"/api/ext/events?type={type}&limit=1000&cursor={cursor}");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            list.AddRange(items.Select(e => (e.TryGetProperty("machineId", out var m) ? m.GetString() : null, e.GetProperty("data").Clone())));
            if (page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null)
            {
                return list;
            }
            cursor = page.GetProperty("nextCursor").GetString()!;
        }
    }

    [GeneratedRegex(@"^mtc_edge_outbox_dropped(?:_total)?\{[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex DroppedRegex();
}
