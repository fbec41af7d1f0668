using System.Globalization;
using System.Text.Json;
using Mtc.Core.Analytics;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// The edge's analytics through crashes, with real processes: the simulator replays the okuma log (cycles, holds, alarms),
/// the edge is killed with SIGKILL at random moments while it collects, and at the end the cloud holds exactly what one
/// uninterrupted <see cref="MachineAnalyzer"/> pass over the same observations derives.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class AnalyticsKillTests
{
    private const string Machine = "OKUMA";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData", "cppagent", "demo", "agent");

    [Fact]
    public async Task Killing_the_edge_while_a_log_replays_leaves_the_cloud_with_the_derived_events_of_one_uninterrupted_pass()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        await using var p = new Pipeline();
        // About 800 s of log (pauses cut to 60 s; a recording stamped before the previous one plays at once) at 40x: under 20 s.
        await p.StartSimAsync("--devices", Path.Combine(Data, "Devices.xml"), "--shdr", Path.Combine(Data, "okuma.txt.gz"),
            "--device", Machine, "--speed", "40", "--max-gap", "60");
        await p.StartCloudAsync();
        await p.StartEdgeAsync(batchMaxRecords: 50);
        var first = await p.EdgeContinuedFromAsync();
        bool ReplayEnded() => p.Sim!.Output.Contains("End of ", StringComparison.Ordinal);

        // The first kill comes while the cloud shows a cycle sent open and not yet ended: the restarted edge must end it.
        string? openCycle = null;
        while (openCycle is null && !ReplayEnded())
        {
            openCycle = (await CloudEventsAsync(p)).Where(e => e.GetProperty("type").GetString() == "cycle" && End(e) is null).Select(Id).FirstOrDefault();
            await Task.Delay(openCycle is null ? 100 : random.Next(0, 300));
        }
        Assert.True(openCycle is not null, $"the replay ended before the cloud showed an open cycle\n{p.Logs()}");
        p.Edge!.Kill();
        var kills = 1;
        await p.StartEdgeAsync(batchMaxRecords: 50);
        await p.EdgeContinuedFromAsync();
        // Kill while the log replays (and at least three times, the last ones perhaps while the edge catches up).
        while (kills < 3 || !ReplayEnded())
        {
            await Task.Delay(random.Next(500, 3000));
            p.Edge!.Kill(); // kill -9: no shutdown code runs
            kills++;
            await p.StartEdgeAsync(batchMaxRecords: 50);
            await p.EdgeContinuedFromAsync();
        }

        var (expected, snapshot, lastStatus) = await ReferencePassAsync(p, first);
        var expectedCycles = expected.Values.OfType<MachineCycle>().Where(c => c.End is not null).OrderBy(c => c.Start).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        Assert.True(expectedCycles.Count >= 4, $"the replay derived {expectedCycles.Count} cycles");

        // Wait until the cloud has every event, then compare them one by one.
        List<JsonElement> cloud = [];
        await Pipeline.WaitUntilAsync(async () =>
        {
            cloud = await CloudEventsAsync(p);
            return cloud.Count >= expected.Count && cloud.All(e => expected.TryGetValue(Id(e), out var x) && (x.End is null) == (End(e) is null));
        }, Long, () => $"seed {seed}, {kills} kills: cloud has {cloud.Count} of {expected.Count} events\n{p.Logs()}");

        Assert.Equal(cloud.Count, cloud.Select(Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), cloud.Select(Id).Order(StringComparer.Ordinal));
        foreach (var e in cloud)
        {
            var x = expected[Id(e)];
            Assert.Equal(x.Type, e.GetProperty("type").GetString());
            Assert.Equal(Micros(x.Start), Micros(e.GetProperty("start").GetDateTimeOffset().UtcDateTime));
            Assert.Equal(x.End is { } end ? Micros(end) : (long?)null, End(e) is { } cloudEnd ? Micros(cloudEnd) : null);
            var data = e.GetProperty("data").EnumerateObject().ToDictionary(q => q.Name, q => q.Value.ToString());
            Assert.Equal(x.ToData().EnumerateObject().ToDictionary(q => q.Name, q => q.Value.ToString()), data);
        }

        Assert.NotNull(End(cloud.Single(e => Id(e) == openCycle)));

        var cycles = (await Get(p, $"/api/ext/machines/{Machine}/cycle-time?limit=1000")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(
            expectedCycles.Select(c => (Micros(c.Start), Micros(c.End!.Value), c.DurationSeconds, c.ActiveSeconds, c.Program, c.Parts, c.Completion)),
            cycles.Select(c => (Micros(c.GetProperty("start").GetDateTimeOffset().UtcDateTime), Micros(c.GetProperty("end").GetDateTimeOffset().UtcDateTime),
                c.GetProperty("durationSeconds").GetDouble(), c.GetProperty("activeSeconds").GetDouble(), c.GetProperty("program").GetString(),
                c.GetProperty("parts").GetInt64(), c.GetProperty("completion").GetString())));

        // The machine's status is the status interval derived last: the final snapshot's, unless that one opened at the last
        // observed instant (it is sent once the clock moves past its start, and the log ends there); then the one before it.
        var state = await Get(p, $"/api/ext/machines/{Machine}");
        var context = $"snapshot {snapshot.Status} since {snapshot.Since:O} at {snapshot.At:O}; last derived {lastStatus}; cloud {state.GetProperty("status")} since {state.GetProperty("statusSince")}";
        Assert.True(lastStatus.Status == state.GetProperty("status").GetString(), context);
        Assert.True(Micros(lastStatus.Start) == Micros(state.GetProperty("statusSince").GetDateTimeOffset().UtcDateTime), context);
        if (snapshot.Since < snapshot.At)
        {
            Assert.True(snapshot.Status == lastStatus.Status && snapshot.Since == lastStatus.Start, context);
        }
        else
        {
            Assert.True(lastStatus.End == snapshot.Since, context);
        }
    }

    /// <summary>
    /// What the edge saw, read back from the simulator: the current snapshot it started from, then every observation after
    /// it, through one analyzer. Each event keeps its open version until its ended version comes, as the cloud stores them.
    /// </summary>
    private static async Task<(Dictionary<string, MachineEvent> Events, MachineSnapshot Snapshot, StatusInterval LastStatus)> ReferencePassAsync(
        Pipeline p, long first)
    {
        var device = MtConnectXml.ReadDevices(await p.Http.GetByteArrayAsync(new Uri(p.SimUri, "/probe"))).Devices.Single(d => d.Name == Machine);
        var end = MtConnectXml.ReadStreams(await p.Http.GetByteArrayAsync(new Uri(p.SimUri, "/current"))).Header.NextSequence!.Value;
        var start = MtConnectXml.ReadStreams(await p.Http.GetByteArrayAsync(new Uri(p.SimUri, $"/current?at={first - 1}")));
        var instance = start.Header.InstanceId!.Value.ToString(CultureInfo.InvariantCulture);
        var documents = new List<StreamsDocument> { start };
        for (var next = first; next < end;)
        {
            var page = MtConnectXml.ReadStreams(await p.Http.GetByteArrayAsync(new Uri(p.SimUri, string.Create(CultureInfo.InvariantCulture, $"/sample?from={next}&count=1000"))));
            documents.Add(page);
            next = page.Header.NextSequence!.Value;
        }

        var analyzer = new MachineAnalyzer(device);
        var events = new Dictionary<string, MachineEvent>(StringComparer.Ordinal);
        StatusInterval? lastStatus = null;
        foreach (var doc in documents)
        {
            foreach (var o in doc.Streams.Where(s => s.Name == Machine).SelectMany(s => s.Observations).OrderBy(o => o.Sequence))
            {
                analyzer.Observe(o, instance);
                foreach (var e in analyzer.TakeEvents().Concat(analyzer.TakeOpenEvents()))
                {
                    lastStatus = e as StatusInterval ?? lastStatus;
                    if (!events.TryGetValue(e.Id, out var known) || (known.End is null && e.End is not null))
                    {
                        events[e.Id] = e;
                    }
                }
            }
        }
        return (events, analyzer.Snapshot(), lastStatus!);
    }

    private static async Task<List<JsonElement>> CloudEventsAsync(Pipeline p)
    {
        var all = new List<JsonElement>();
        var cursor = "0";
        while (true)
        {
            var page = await Get(p, "/api/ext/events?limit=1000&cursor=" + cursor);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            all.AddRange(items.Where(i => i.GetProperty("source").GetString() == "edge" && i.GetProperty("type").GetString() != "gap"));
            if (page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null)
            {
                return all;
            }
            cursor = page.GetProperty("nextCursor").GetString()!;
        }
    }

    private static async Task<JsonElement> Get(Pipeline p, string path) =>
        await p.CloudGetAsync(path) ?? throw new Xunit.Sdk.XunitException($"GET {path} did not succeed");

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private static DateTime? End(JsonElement e) =>
        e.GetProperty("end").ValueKind == JsonValueKind.Null ? null : e.GetProperty("end").GetDateTimeOffset().UtcDateTime;

    /// <summary>Times to the microsecond: what both cloud stores keep.</summary>
    private static long Micros(DateTime t) => t.Ticks / 10;
}
