using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Mtc.Edge.Status;
using Mtc.Simulator;

namespace Mtc.Edge.Tests.Collectors;

/// <summary>
/// An agent that goes silent (no data, no heartbeat) mid-stream: the agent collector drops the stream after 3× heartbeat,
/// reconnects and continues from the cursor it committed, so its outbox holds every sequence the agent served exactly once.
/// No uplink runs (offline edge), so the outbox is the whole record of what the collector wrote.
/// </summary>
public sealed class AgentCollectorSilenceTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Silent_streams_are_dropped_and_collection_continues_from_the_committed_cursor_exactly_once()
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Generate = 2, Seed = 6, Speed = 100 });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // Silent from the start: the edge stores current and its cursor, then (unless it starts slowly) its first stream hears nothing.
        sim.StallStreams(TimeSpan.FromSeconds(5));
        var config = _dir.Sub("edge.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Edge = new
            {
                Id = "e1",
                DataDirectory = "./data",
                Agents = new[] { new { Url = sim.BaseAddress.ToString(), Interval = "00:00:00.1", PollInterval = "00:00:00.1", Heartbeat = "00:00:01", Count = 1000 } },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        }));
        await using var app = EdgeHost.Build(config);
        await app.StartAsync();
        var state = app.Services.GetRequiredService<EdgeState>();
        await WaitForAsync(() => state.Sources.Count == 1 ? true : (bool?)null, "the agent collector");
        var source = state.Sources.Single();

        // Any committed cursor will do: every sequence from it on must reach the outbox, once.
        var first = await WaitForAsync(Cursor, "the first cursor");
        await WaitForAsync(() => source.NextSequence > first + 200 ? true : (bool?)null, "streamed data");

        // Silent again in the middle of a stream that has moved the cursor.
        sim.StallStreams(TimeSpan.FromSeconds(6));
        await WaitForAsync(() => source.State == "reconnecting" ? true : (bool?)null, "the silent stream to be dropped");
        await WaitForAsync(() => source.State == "connected" && source.LastError is null ? true : (bool?)null, "the reconnect");
        var last = await LastSequenceAsync();
        await WaitForAsync(() => source.NextSequence > last ? true : (bool?)null, $"collection through {last}");
        await app.StopAsync();

        var next = Cursor()!.Value;
        var served = await ServedAsync(first, next - 1);
        var stored = StoredSequences(first);
        var duplicates = stored.Where(kv => kv.Value != 1).Select(kv => kv.Key).ToList();
        Assert.True(duplicates.Count == 0, $"stored more than once: {string.Join(", ", duplicates.Take(20))}");
        var missing = served.Where(s => !stored.ContainsKey(s)).ToList();
        Assert.True(missing.Count == 0, $"missing {missing.Count} of {served.Count} in [{first}, {next - 1}]: {string.Join(", ", missing.Take(20))}");
        Assert.Equal(served, stored.Keys.Order().ToList());
        Assert.True(served.Count > 300, $"only {served.Count} sequences were compared");

        async Task<long> LastSequenceAsync()
        {
            var current = XDocument.Parse(await http.GetStringAsync(new Uri(sim.BaseAddress, "current")));
            return long.Parse((string)current.Descendants().First(e => e.Name.LocalName == "Header").Attribute("lastSequence")!, CultureInfo.InvariantCulture);
        }

        // The machines' sequences in [from, to], read from the simulator's sample with LINQ to XML (its Agent device left out).
        async Task<List<long>> ServedAsync(long from, long to)
        {
            var probe = XDocument.Parse(await http.GetStringAsync(new Uri(sim.BaseAddress, "probe")));
            var agents = probe.Descendants().Where(e => e.Name.LocalName == "Agent").Select(e => (string?)e.Attribute("name")).ToHashSet();
            var doc = XDocument.Parse(await http.GetStringAsync(new Uri(sim.BaseAddress,
                string.Create(CultureInfo.InvariantCulture, $"sample?from={from}&count={to - from + 1}"))));
            var header = doc.Descendants().First(e => e.Name.LocalName == "Header");
            Assert.Equal(to + 1, long.Parse((string)header.Attribute("nextSequence")!, CultureInfo.InvariantCulture));
            return doc.Descendants().Where(e => e.Name.LocalName == "DeviceStream" && !agents.Contains((string?)e.Attribute("name")))
                .SelectMany(d => d.Descendants().Select(e => e.Attribute("sequence")).OfType<XAttribute>())
                .Select(a => long.Parse(a.Value, CultureInfo.InvariantCulture)).Order().ToList();
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, string what)
        where T : struct
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"waited {Wait} for {what}");
    }

    private SqliteConnection OpenOutbox()
    {
        var path = _dir.Sub(Path.Combine("data", "outbox.db"));
        var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        db.Open();
        return db;
    }

    /// <summary>The agent collector's committed cursor (next sequence), or null before the first commit.</summary>
    private long? Cursor()
    {
        if (!File.Exists(_dir.Sub(Path.Combine("data", "outbox.db"))))
        {
            return null;
        }
        using var db = OpenOutbox();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT next_sequence FROM cursors WHERE source LIKE 'agent:%'";
        return cmd.ExecuteScalar() is long n ? n : null;
    }

    /// <summary>Agent sequences of the outbox's observation records at or after <paramref name="from"/>, with how often each is there.</summary>
    private Dictionary<long, int> StoredSequences(long from)
    {
        using var db = OpenOutbox();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT sequence, COUNT(*) FROM records WHERE kind = 'observation' AND sequence >= $f GROUP BY sequence";
        cmd.Parameters.AddWithValue("$f", from);
        using var r = cmd.ExecuteReader();
        var result = new Dictionary<long, int>();
        while (r.Read())
        {
            result[r.GetInt64(0)] = r.GetInt32(1);
        }
        return result;
    }
}
