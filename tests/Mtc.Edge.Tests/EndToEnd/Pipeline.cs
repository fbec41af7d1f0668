using System.Data.Common;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Data.Sqlite;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Npgsql;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// Simulator, cloud and edge as real processes on 127.0.0.1 with free ports, in a temp directory; all killed on dispose.
/// The test reads the simulator over HTTP (LINQ to XML) and the cloud's database directly: a SQLite file by default, or
/// a PostgreSQL database given to <see cref="UsePostgres"/>.
/// </summary>
internal sealed partial class Pipeline : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    private readonly List<ChildProcess> _processes = [];
    private string? _apiKey;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };
    public ChildProcess? Sim { get; private set; }
    public ChildProcess? Cloud { get; private set; }
    public ChildProcess? Edge { get; private set; }
    public Uri SimUri { get; private set; } = null!;
    public Uri CloudUri { get; private set; } = null!;
    public Uri EdgeUri { get; private set; } = null!;
    public string CloudDb => _dir.Sub("cloud.db");

    /// <summary>The cloud's database: the SQLite file <see cref="CloudDb"/> unless <see cref="UsePostgres"/> named another.</summary>
    public DatabaseTarget CloudDatabase { get; private set; } = null!;
    public string EdgeData => _dir.Sub("edge-data");

    /// <summary>The cloud key the edge uses (scopes edge:ingest and ext:read).</summary>
    public string ApiKey => _apiKey ?? throw new InvalidOperationException("start the cloud first");

    public async Task<Uri> StartSimAsync(params string[] args)
    {
        Sim = Track(ChildProcess.Start("sim", "mtc.dll", ["sim", "--port", "0", .. args]));
        SimUri = await Sim.ListeningOnAsync(StartTimeout);
        return SimUri;
    }

    /// <summary>Keeps the cloud's data in this PostgreSQL database instead of a SQLite file (before the cloud starts).</summary>
    public void UsePostgres(string connectionString) => CloudDatabase = new DatabaseTarget("postgres", connectionString);

    public async Task<Uri> StartCloudAsync(int port = 0, params string[] settings)
    {
        CloudDatabase ??= new DatabaseTarget("sqlite", CloudDb);
        if (_apiKey is null)
        {
            var (_, key) = await ApiKeyAdmin.CreateAsync(CloudDatabase, "plant-tenant", ["edge:ingest", "ext:read"], "edge", TimeProvider.System, CancellationToken.None);
            _apiKey = key;
        }
        var db = CloudDatabase.Backend == "sqlite" ? "sqlite:" + CloudDb : CloudDatabase.ConnectionString;
        Cloud = Track(ChildProcess.Start("cloud", "Mtc.Cloud.dll",
            ["--db", db, "--urls", $"http://127.0.0.1:{port}", "--Cloud:RateLimitPerSecond", "100000", "--Cloud:RateLimitBurst", "100000", .. settings]));
        CloudUri = await Cloud.ListeningOnAsync(StartTimeout);
        return CloudUri;
    }

    public void StopCloud()
    {
        Cloud?.Kill();
    }

    /// <summary>Settings every edge started from now on gets by environment (<c>Edge__Section__Key</c>), over its edge.json.</summary>
    public Dictionary<string, string> EdgeEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes edge.json (agent = the simulator, cloud = the cloud) and starts the edge on it.</summary>
    public async Task<Uri> StartEdgeAsync(string? cloudUrl = null, int batchMaxRecords = 500, string heartbeat = "00:00:02", long maxBytes = 1L << 30, bool streaming = true, int count = 1000)
    {
        var config = new
        {
            Edge = new
            {
                Id = "plant-1",
                DataDirectory = "./edge-data",
                Cloud = new { Url = cloudUrl ?? CloudUri.ToString(), BatchMaxRecords = batchMaxRecords, Timeout = "00:00:10", MaxBackoff = "00:00:02" },
                Agents = new[] { new { Url = SimUri.ToString(), Interval = "00:00:00.1", PollInterval = "00:00:00.1", Heartbeat = heartbeat, Count = count, Streaming = streaming } },
                Outbox = new { MaxBytes = maxBytes, Synchronous = "NORMAL" },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        };
        return await StartEdgeOnAsync(config);
    }

    private async Task<Uri> StartEdgeOnAsync(object config)
    {
        var path = _dir.Sub("edge.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config));
        var env = new Dictionary<string, string>(EdgeEnvironment) { ["Edge__Cloud__ApiKey"] = _apiKey ?? "none" };
        Edge = Track(ChildProcess.Start("edge", "mtc.dll", ["edge", "--config", path], env));
        EdgeUri = await Edge.ListeningOnAsync(StartTimeout);
        return EdgeUri;
    }

    /// <summary>Starts the edge with every setting a user need not give at its default: the agent's URL and the cloud's only.</summary>
    public async Task<Uri> StartEdgeWithDefaultsAsync()
    {
        var config = new
        {
            Edge = new
            {
                Id = "plant-1",
                Cloud = new { Url = CloudUri.ToString() },
                Agents = new[] { new { Url = SimUri.ToString() } },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        };
        return await StartEdgeOnAsync(config);
    }

    /// <summary>
    /// Starts the edge at default settings on one SHDR adapter (the edge is the agent of <paramref name="device"/>), its
    /// heartbeat to the cloud every <paramref name="cloudHeartbeat"/> (the default).
    /// </summary>
    public async Task<Uri> StartEdgeOnAdapterAsync(int port, string devices, string device, string cloudHeartbeat = "00:00:30")
    {
        var config = new
        {
            Edge = new
            {
                Id = "plant-1",
                Cloud = new { Url = CloudUri.ToString(), Heartbeat = cloudHeartbeat },
                Adapters = new[] { new { Host = "127.0.0.1", Port = port, Devices = devices, Device = device } },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        };
        return await StartEdgeOnAsync(config);
    }

    /// <summary>GET on the cloud's API with <see cref="ApiKey"/>; the body, or null when the answer is not a success.</summary>
    public async Task<JsonElement?> CloudGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(CloudUri, path));
        request.Headers.Add("X-API-Key", ApiKey);
        using var response = await Http.SendAsync(request);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : null;
    }

    public async Task<JsonElement> EdgeStatusAsync() =>
        (await Http.GetFromJsonAsync<JsonElement>(new Uri(EdgeUri, "/api/status")));

    /// <summary>
    /// Waits until the edge has collected the agent's sequences through <paramref name="agentSequence"/> and the cloud has
    /// acknowledged every outbox record written by then. The cloud holding some sequence at or above it is not enough: a
    /// sample document groups observations by device, so the records of one part are not in sequence order.
    /// </summary>
    public async Task WaitDeliveredThroughAsync(long agentSequence, TimeSpan timeout)
    {
        await WaitUntilAsync(async () => (await EdgeStatusAsync()).GetProperty("sources").EnumerateArray()
            .All(s => s.GetProperty("nextSequence").GetInt64() > agentSequence), timeout, () => $"the edge did not collect through {agentSequence}\n{Logs()}");
        await Task.Delay(1100); // the outbox figures of /api/status are up to a second old
        var outboxLast = (await EdgeStatusAsync()).GetProperty("outbox").GetProperty("lastSeq").GetInt64();
        await WaitUntilAsync(async () => (await EdgeStatusAsync()).GetProperty("uplink").GetProperty("hwm").GetInt64() >= outboxLast,
            timeout, () => $"the cloud did not acknowledge outbox record {outboxLast}\n{Logs()}");
    }

    /// <summary>Waits until <paramref name="done"/> holds, polling every 250 ms.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan timeout, Func<string> explain)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await done())
            {
                return;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"not reached within {timeout}: {explain()}");
    }

    /// <summary>Observation (instanceId, sequence) pairs in the cloud, with how many times each was stored.</summary>
    public Dictionary<(string Instance, long Seq), int> CloudObservations()
    {
        var result = new Dictionary<(string, long), int>();
        if (!CloudDatabaseExists)
        {
            return result;
        }
        using var db = OpenCloudDb();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT instance_id, seq, COUNT(*) FROM observations GROUP BY instance_id, seq";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result[(r.IsDBNull(0) ? "" : r.GetString(0), r.GetInt64(1))] = Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture);
        }
        return result;
    }

    /// <summary>The machines with observations in the cloud, and the derived events (edge analytics) it stored: machine, type, id.</summary>
    public (HashSet<string> Machines, List<(string Machine, string Type, string Id)> Events) CloudDerivedEvents()
    {
        var machines = new HashSet<string>(StringComparer.Ordinal);
        var events = new List<(string, string, string)>();
        if (!CloudDatabaseExists)
        {
            return (machines, events);
        }
        using var db = OpenCloudDb();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT DISTINCT machine_id FROM observations";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                machines.Add(r.GetString(0));
            }
        }
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT machine_id, type, id FROM events WHERE type <> 'gap' AND machine_id IS NOT NULL ORDER BY cursor";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                events.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
            }
        }
        return (machines, events);
    }

    /// <summary>The cloud's streams (one per outbox stream id) and their high-water marks.</summary>
    public List<(string StreamId, long Hwm)> CloudStreams()
    {
        var list = new List<(string, long)>();
        if (!CloudDatabaseExists)
        {
            return list;
        }
        using var db = OpenCloudDb();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT stream_id, hwm FROM streams ORDER BY stream_id";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add((r.GetString(0), r.GetInt64(1)));
        }
        return list;
    }

    /// <summary>Gap events in the cloud (their data JSON).</summary>
    public List<JsonElement> CloudGaps()
    {
        using var db = OpenCloudDb();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT data FROM events WHERE type = 'gap' ORDER BY cursor";
        using var r = cmd.ExecuteReader();
        var list = new List<JsonElement>();
        while (r.Read())
        {
            list.Add(JsonDocument.Parse(r.GetString(0)).RootElement.Clone());
        }
        return list;
    }

    private bool CloudDatabaseExists => CloudDatabase is { Backend: "postgres" } || File.Exists(CloudDb);

    private DbConnection OpenCloudDb()
    {
        if (CloudDatabase is { Backend: "postgres" } pg)
        {
            var c = new NpgsqlConnection(pg.ConnectionString);
            c.Open();
            return c;
        }
        var db = new SqliteConnection($"Data Source={CloudDb};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout = 10000";
        cmd.ExecuteNonQuery();
        return db;
    }

    /// <summary>The simulator's lastSequence, from its /current header (LINQ to XML).</summary>
    public async Task<long> SimLastSequenceAsync()
    {
        var current = XDocument.Parse(await Http.GetStringAsync(new Uri(SimUri, "/current")));
        return long.Parse((string)current.Descendants().First(e => e.Name.LocalName == "Header").Attribute("lastSequence")!, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until the cloud has everything the simulator served up to now, then compares: the simulator's sequences in
    /// [first, last] (read by LINQ to XML from its /sample) against the cloud's, each stored exactly once.
    /// Returns last and how many sequences were compared.
    /// </summary>
    public async Task<(long Last, int Compared)> AssertExactlyOnceAsync(long first, TimeSpan timeout)
    {
        var last = await SimLastSequenceAsync();
        await WaitDeliveredThroughAsync(last, timeout);
        var (instance, expected) = await SimSequencesAsync(first, last);
        var cloud = CloudObservations();
        var duplicates = cloud.Where(kv => kv.Value != 1).Select(kv => kv.Key.Seq).ToList();
        Assert.True(duplicates.Count == 0, $"stored more than once: {string.Join(", ", duplicates.Take(20))}");
        var actual = cloud.Keys.Where(k => k.Instance == instance && k.Seq >= first && k.Seq <= last).Select(k => k.Seq).ToHashSet();
        var missing = expected.Where(s => !actual.Contains(s)).ToList();
        if (missing.Count > 0)
        {
            Assert.Fail($"missing {missing.Count} of {expected.Count} in [{first}, {last}]\n{await ExplainMissingAsync(missing)}");
        }
        Assert.Equal(expected.Count, actual.Count);
        return (last, expected.Count);
    }

    /// <summary>
    /// The sequences the simulator serves for machines (not its Agent device) in <c>[from, to]</c>, read independently with
    /// LINQ to XML, plus its instanceId.
    /// </summary>
    public async Task<(string Instance, SortedSet<long> Sequences)> SimSequencesAsync(long from, long to)
    {
        var probe = XDocument.Parse(await Http.GetStringAsync(new Uri(SimUri, "/probe")));
        // The machines are the probe's Device elements: its Agent device, and one an agent serves in streams only, are not.
        var machines = probe.Descendants().Where(e => e.Name.LocalName == "Device").Select(e => (string?)e.Attribute("name")).ToHashSet();
        var set = new SortedSet<long>();
        string instance = "";
        var next = from;
        while (next <= to)
        {
            var doc = XDocument.Parse(await Http.GetStringAsync(new Uri(SimUri, string.Create(CultureInfo.InvariantCulture, $"/sample?from={next}&count=10000"))));
            var header = doc.Descendants().First(e => e.Name.LocalName == "Header");
            if (header.Parent?.Name.LocalName == "MTConnectError")
            {
                break; // e.g. MTConnect.NET's OUT_OF_RANGE for from = nextSequence: nothing more
            }
            instance = (string)header.Attribute("instanceId")!;
            var last = next - 1;
            foreach (var stream in doc.Descendants().Where(e => e.Name.LocalName == "DeviceStream"))
            {
                foreach (var seq in stream.Descendants().Select(e => e.Attribute("sequence")).Where(a => a is not null))
                {
                    var s = long.Parse(a_(seq!), CultureInfo.InvariantCulture);
                    last = Math.Max(last, s);
                    if (s >= from && s <= to && machines.Contains((string?)stream.Attribute("name")))
                    {
                        set.Add(s);
                    }
                }
            }
            // Followed from the last observation returned: MTConnect.NET's nextSequence is its buffer's end, not the page's.
            if (last < next)
            {
                break;
            }
            next = last + 1;
        }
        return (instance, set);

        static string a_(XAttribute a) => a.Value;
    }

    public async Task PostSimAsync(string path)
    {
        using var response = await Http.PostAsync(new Uri(SimUri, path), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The <c>continuing from N</c> the edge logged when it connected the n-th time.</summary>
    public async Task<long> EdgeContinuedFromAsync(int occurrence = 0) =>
        long.Parse(await Edge!.WaitForAsync(@"connected \(instance \d+, continuing from (\d+)\)", StartTimeout, occurrence), CultureInfo.InvariantCulture);

    private ChildProcess Track(ChildProcess p)
    {
        _processes.Add(p);
        return p;
    }

    public string Logs() => string.Join("\n", _processes.Select(p => $"--- {p.Name}\n{p.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        Http.Dispose();
        await Task.Yield();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
