using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Mtc.Edge.Tests.Hostile;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.Collectors.Mqtt;

/// <summary>
/// Opt-in measurement (<c>MTC_BENCH_MQTT=1</c>): observations/s through the edge (read, deduplicated, analyzed, committed to
/// the outbox) from the same JSON documents, once published to mosquitto and once served by an HTTP agent that the edge
/// polls, in the same run; prints the ratio. <c>MTC_BENCH_MQTT_DOCUMENTS</c> (default 400) documents of 500 observations.
/// And the two MQTT topic layouts against each other: the same observations as documents (one message per 500) and as
/// cppagent's entity messages (one message per observation), <c>MTC_BENCH_MQTT_ENTITIES</c> (default 50,000) observations.
/// </summary>
public sealed partial class MqttBenchmarks(ITestOutputHelper output)
{
    private const string Uuid = "mazak-vtc-200";
    private const int PerDocument = 500;
    private const long Instance = 1709648000; // the probe capture's: an HTTP agent's current must match its probe

    [MqttBenchFact]
    public async Task Observations_per_second_from_mqtt_against_the_same_documents_over_http()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("MTC_BENCH_MQTT_DOCUMENTS"), CultureInfo.InvariantCulture, out var n) ? n : 400;
        var probe = File.ReadAllText(Path.Combine(AgentPublisher.JsonData, "devices-v2.json"));
        var current = AgentPublisher.Streams(Instance, 1, 2, Uuid, "Mazak", [(1, "pcount", "0")]);
        var documents = Enumerable.Range(0, count).Select(Document).ToList();
        var total = count * PerDocument + 1;

        // Warm up both paths with a short run, then measure each twice, alternating.
        await HttpAsync(probe, current, documents.Take(10).ToList(), 10 * PerDocument + 1);
        await MqttAsync(probe, Current(current), Samples(documents.Take(10)), 10 * PerDocument + 1, "Documents");
        double http = 0, mqtt = 0;
        for (var i = 0; i < 2; i++)
        {
            http += total / (await HttpAsync(probe, current, documents, total)).TotalSeconds / 2;
            mqtt += total / (await MqttAsync(probe, Current(current), Samples(documents), total, "Documents")).TotalSeconds / 2;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{total} observations in {count} JSON documents of {PerDocument}: MQTT {mqtt:0} obs/s, HTTP (polling) {http:0} obs/s, ratio MQTT/HTTP {mqtt / http:0.00}"));
        Assert.True(mqtt > 0 && http > 0);
    }

    private static string Document(int k)
    {
        var first = 2L + (long)k * PerDocument;
        var observations = Enumerable.Range(0, PerDocument).Select(i => (first + i, i % 10 == 9 ? "pcount" : "Xact", (first + i).ToString(CultureInfo.InvariantCulture)));
        return AgentPublisher.Streams(Instance, 1, first + PerDocument, Uuid, "Mazak", observations);
    }

    [MqttBenchFact]
    public async Task Observations_per_second_from_entity_messages_against_the_same_observations_in_documents()
    {
        var observations = int.TryParse(Environment.GetEnvironmentVariable("MTC_BENCH_MQTT_ENTITIES"), CultureInfo.InvariantCulture, out var n) ? n : 50_000;
        var count = Math.Max(1, observations / PerDocument);
        var probe = File.ReadAllText(Path.Combine(AgentPublisher.JsonData, "devices-v2.json"));
        var current = AgentPublisher.Streams(Instance, 1, 2, Uuid, "Mazak", [(1, "pcount", "0")]);
        var documents = Samples(Enumerable.Range(0, count).Select(Document));
        var entities = Enumerable.Range(0, count * PerDocument).Select(i => Entity(2 + i)).ToList();
        var first = ($"MTConnect/Devices/{Uuid}/Observations/pcount", EntityPayload(1), true); // retained, as the current: the first start gets it
        var total = count * PerDocument + 1;

        await MqttAsync(probe, Current(current), documents.Take(10).ToList(), 10 * PerDocument + 1, "Documents");
        await MqttAsync(probe, first, entities.Take(10 * PerDocument).ToList(), 10 * PerDocument + 1, "Entities");
        double inDocuments = 0, inEntities = 0;
        for (var i = 0; i < 2; i++)
        {
            inDocuments += total / (await MqttAsync(probe, Current(current), documents, total, "Documents")).TotalSeconds / 2;
            inEntities += total / (await MqttAsync(probe, first, entities, total, "Entities")).TotalSeconds / 2;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{total} observations: entity layout ({total} messages) {inEntities:0} obs/s, document layout ({count + 1} messages of up to {PerDocument}) {inDocuments:0} obs/s, ratio entities/documents {inEntities / inDocuments:0.00}"));
        Assert.True(inEntities > 0 && inDocuments > 0);
    }

    private static (string Topic, string Payload, bool Retain) Current(string current) => ($"MTConnect/Current/{Uuid}", current, true);

    private static List<(string Topic, string Payload, bool Retain)> Samples(IEnumerable<string> documents) =>
        [.. documents.Select(d => ($"MTConnect/Sample/{Uuid}", d, false))];

    /// <summary>Observation <paramref name="sequence"/> of <see cref="Document"/>'s, as cppagent's entity sink publishes it (no instanceId).</summary>
    private static (string Topic, string Payload, bool Retain) Entity(long sequence) =>
        ($"MTConnect/Devices/{Uuid}/Observations/{(sequence % 10 == 1 ? "pcount" : "Xact")}", EntityPayload(sequence), false);

    private static string EntityPayload(long sequence) => sequence % 10 == 1
        ? string.Create(CultureInfo.InvariantCulture,
            $"{{\"dataItemId\":\"pcount\",\"type\":\"PART_COUNT\",\"timestamp\":\"2024-03-05T14:{sequence / 60 % 60:00}:{sequence % 60:00}.000000Z\",\"category\":\"EVENT\",\"result\":\"{sequence}\",\"sequence\":{sequence}}}")
        : string.Create(CultureInfo.InvariantCulture,
            $"{{\"dataItemId\":\"Xact\",\"name\":\"Xact\",\"type\":\"POSITION\",\"subType\":\"ACTUAL\",\"timestamp\":\"2024-03-05T14:{sequence / 60 % 60:00}:{sequence % 60:00}.000000Z\",\"category\":\"SAMPLE\",\"result\":\"{sequence}\",\"sequence\":{sequence}}}");

    /// <summary>
    /// The edge's time from its start until every observation is committed, the messages waiting at the broker in the edge's
    /// session (<paramref name="first"/> is stored by a first start that makes the session).
    /// </summary>
    private static async Task<TimeSpan> MqttAsync(string probe, (string Topic, string Payload, bool Retain) first,
        List<(string Topic, string Payload, bool Retain)> messages, int total, string topics)
    {
        using var dir = new TempDirectory();
        using var broker = await MosquittoBroker.StartAsync(maxQueuedMessages: messages.Count + 1000);
        await using var agent = await AgentPublisher.ConnectAsync(broker.Port);
        await agent.ProbeAsync(Uuid, probe);
        await agent.PublishAsync(first.Topic, first.Payload, first.Retain);
        var config = Config(dir, new { Mqtt = new[] { new { Host = "127.0.0.1", Port = broker.Port, Topics = topics } } });
        // A first start makes the edge's session at the broker; what is published while it is stopped waits there.
        await using (var edge = EdgeHost.Build(config))
        {
            await edge.StartAsync();
            await WaitAsync(dir, 1);
            await edge.StopAsync();
        }
        foreach (var (topic, payload, retain) in messages)
        {
            await agent.PublishAsync(topic, payload, retain);
        }
        return await TimeAsync(config, dir, total);
    }

    /// <summary>The edge's time from its start until every observation is committed, polling an agent that serves the documents.</summary>
    private static async Task<TimeSpan> HttpAsync(string probe, string current, List<string> documents, int total)
    {
        using var dir = new TempDirectory();
        var empty = new Dictionary<long, string>();
        await using var agent = new HostileAgent(r =>
        {
            if (r.Is("probe"))
            {
                return r.DocumentAsync(probe, "application/json");
            }
            if (r.Is("current"))
            {
                return r.DocumentAsync(current, "application/json");
            }
            var from = long.Parse(From().Match(r.Path).Groups[1].Value, CultureInfo.InvariantCulture);
            var k = (from - 2) / PerDocument;
            if ((from - 2) % PerDocument == 0 && k >= 0 && k < documents.Count)
            {
                return r.DocumentAsync(documents[(int)k], "application/json");
            }
            return r.DocumentAsync(AgentPublisher.Streams(Instance, 1, from, Uuid, "Mazak", []), "application/json");
        });
        var config = Config(dir, new
        {
            Agents = new[] { new { Url = agent.BaseUri.ToString(), Streaming = false, Count = PerDocument, PollInterval = "00:00:00.1" } },
        });
        return await TimeAsync(config, dir, total);
    }

    private static string Config(TempDirectory dir, object sources)
    {
        var edge = JsonSerializer.SerializeToNode(sources)!.AsObject();
        edge["Id"] = "bench";
        edge["DataDirectory"] = "./data";
        edge["Outbox"] = JsonSerializer.SerializeToNode(new { Synchronous = "NORMAL" });
        edge["Http"] = JsonSerializer.SerializeToNode(new { Urls = "http://127.0.0.1:0" });
        var path = dir.Sub("edge.json");
        File.WriteAllText(path, new System.Text.Json.Nodes.JsonObject { ["Edge"] = edge }.ToJsonString());
        return path;
    }

    private static async Task<TimeSpan> TimeAsync(string config, TempDirectory dir, int total)
    {
        await using WebApplication app = EdgeHost.Build(config);
        var clock = Stopwatch.StartNew();
        await app.StartAsync();
        try
        {
            await WaitAsync(dir, total);
        }
        catch (TimeoutException e)
        {
            using var http = new HttpClient();
            throw new TimeoutException(e.Message + ": " + await http.GetStringAsync(app.Urls.First().TrimEnd('/') + "/api/status"), e);
        }
        var elapsed = clock.Elapsed;
        await app.StopAsync();
        SqliteConnection.ClearAllPools();
        return elapsed;
    }

    private static async Task WaitAsync(TempDirectory dir, int total)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(dir.Sub("data/outbox.db")))
            {
                using var db = new SqliteConnection($"Data Source={dir.Sub("data/outbox.db")};Mode=ReadOnly;Pooling=False");
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = "SELECT COUNT(*) FROM records WHERE kind = 'observation'";
                if ((long)cmd.ExecuteScalar()! >= total)
                {
                    return;
                }
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"fewer than {total} observations stored");
    }

    [GeneratedRegex(@"from=(\d+)")]
    private static partial Regex From();
}

internal sealed class MqttBenchFactAttribute : FactAttribute
{
    public MqttBenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MTC_BENCH_MQTT") != "1")
        {
            Skip = "opt-in measurement: set MTC_BENCH_MQTT=1 to run it (MTC_BENCH_MQTT_DOCUMENTS changes the 400 documents of 500 observations)";
        }
    }
}
