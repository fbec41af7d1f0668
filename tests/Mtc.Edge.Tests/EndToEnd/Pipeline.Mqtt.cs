using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace Mtc.Edge.Tests.EndToEnd;

internal sealed partial class Pipeline
{
    /// <summary>Writes edge.json with one MQTT source (the broker on 127.0.0.1, <paramref name="topics"/> its layout) and starts the edge.</summary>
    public async Task<Uri> StartEdgeOnMqttAsync(int brokerPort, string topics)
    {
        var config = new
        {
            Edge = new
            {
                Id = "plant-1",
                DataDirectory = "./edge-data",
                Cloud = new { Url = CloudUri.ToString(), BatchMaxRecords = 500, Timeout = "00:00:10", MaxBackoff = "00:00:02" },
                Mqtt = new[] { new { Host = "127.0.0.1", Port = brokerPort, KeepAlive = "00:00:02", Timeout = "00:00:02", Topics = topics } },
                Outbox = new { Synchronous = "NORMAL" },
                Http = new { Urls = "http://127.0.0.1:0" },
            },
        };
        return await StartEdgeOnAsync(config);
    }

    /// <summary>The edge's only source, as /api/status reports it.</summary>
    public async Task<JsonElement> EdgeSourceAsync() => (await EdgeStatusAsync()).GetProperty("sources").EnumerateArray().Single();

    /// <summary>Waits until the cloud has acknowledged every outbox record the edge has written by now.</summary>
    public async Task WaitAcknowledgedAsync(TimeSpan timeout)
    {
        await Task.Delay(1100); // the outbox figures of /api/status are up to a second old
        var outboxLast = (await EdgeStatusAsync()).GetProperty("outbox").GetProperty("lastSeq").GetInt64();
        await WaitUntilAsync(async () => (await EdgeStatusAsync()).GetProperty("uplink").GetProperty("hwm").GetInt64() >= outboxLast,
            timeout, () => $"the cloud did not acknowledge outbox record {outboxLast}\n{Logs()}");
    }

    /// <summary>The observations the simulator serves for its machines in <c>[from, to]</c> (its /sample, LINQ to XML): machine, sequence, element name, value.</summary>
    public async Task<List<(string Machine, long Sequence, string Element, string Value)>> SimObservationsAsync(long from, long to)
    {
        var probe = XDocument.Parse(await Http.GetStringAsync(new Uri(SimUri, "/probe")));
        var machines = probe.Descendants().Where(e => e.Name.LocalName == "Device").Select(e => (string?)e.Attribute("name")).ToHashSet();
        var list = new List<(string, long, string, string)>();
        var next = from;
        while (next <= to)
        {
            var doc = XDocument.Parse(await Http.GetStringAsync(new Uri(SimUri, string.Create(CultureInfo.InvariantCulture, $"/sample?from={next}&count=10000"))));
            var last = next - 1;
            foreach (var stream in doc.Descendants().Where(e => e.Name.LocalName == "DeviceStream"))
            {
                foreach (var o in stream.Descendants().Where(e => e.Attribute("sequence") is not null))
                {
                    var s = long.Parse(o.Attribute("sequence")!.Value, CultureInfo.InvariantCulture);
                    last = Math.Max(last, s);
                    if (s >= from && s <= to && machines.Contains((string?)stream.Attribute("name")))
                    {
                        list.Add(((string)stream.Attribute("name")!, s, o.Name.LocalName, o.Value));
                    }
                }
            }
            if (last < next)
            {
                break;
            }
            next = last + 1;
        }
        return list;
    }

    /// <summary>The cloud's observations of one data item type (e.g. PART_COUNT): machine, sequence, value.</summary>
    public List<(string Machine, long Sequence, string? Value)> CloudObservationsOfType(string type)
    {
        using var db = OpenCloudDb();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT machine_id, seq, value FROM observations WHERE type = @type";
        var p = cmd.CreateParameter();
        p.ParameterName = "@type";
        p.Value = type;
        cmd.Parameters.Add(p);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, long, string?)>();
        while (r.Read())
        {
            list.Add((r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2)));
        }
        return list;
    }
}
