using System.Globalization;
using System.Text.Json.Nodes;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>What the probe and the streams say about the agent: its version, its devices, and its own Agent device.</summary>
internal static class ModelChecks
{
    private static readonly string[] KnownVersions = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"];

    public static Finding Version(DevicesDocument probe, AgentAnswer answer)
    {
        var version = probe.Version ?? "unknown";
        var header = probe.Header;
        var facts = new JsonObject
        {
            ["schemaVersion"] = probe.Version,
            ["headerSchemaVersion"] = header.SchemaVersion,
            ["agentVersion"] = header.AgentVersion,
            ["sender"] = header.Sender,
            ["instanceId"] = header.InstanceId,
            ["contentType"] = answer.ContentType,
        };
        var seen = $"schema {version}, agent version {header.AgentVersion ?? "not given"}, sender {header.Sender ?? "not given"}, {answer.ContentType ?? "no content type"}";
        if (header.SchemaVersion is { } declared && probe.Version is { } ns && !string.Equals(declared, ns, StringComparison.Ordinal)
            && !declared.StartsWith(ns + ".", StringComparison.Ordinal))
        {
            seen += $"; the header says schemaVersion {declared}";
        }

        return probe.Version is { } v && KnownVersions.Contains(v)
            ? Finding.Ok("version", seen, "the edge reads schema 1.1 to 2.7, XML and cppagent JSON", facts)
            : Finding.Warn("version", seen, "the edge reads schema 1.1 to 2.7; other versions are read as the nearest, untested", facts);
    }

    public static Finding Devices(DevicesDocument probe)
    {
        var machines = probe.Devices.Where(d => !d.IsAgent).ToList();
        var list = new JsonArray();
        foreach (var d in probe.Devices)
        {
            list.Add(new JsonObject
            {
                ["name"] = d.Name,
                ["uuid"] = d.Uuid,
                ["id"] = d.Id,
                ["agent"] = d.IsAgent,
                ["dataItems"] = d.AllDataItems().Count(),
            });
        }

        var facts = new JsonObject { ["machines"] = machines.Count, ["devices"] = list };
        var seen = machines.Count == 0
            ? "no device besides the agent's own"
            : string.Join(", ", machines.Select(d => string.Create(CultureInfo.InvariantCulture,
                $"{d.Name ?? d.Id} (uuid {d.Uuid ?? "none"}, {d.AllDataItems().Count()} data items)")));
        return machines.Count == 0
            ? Finding.Fail("devices", seen, "the edge has no machine to collect from this agent", facts)
            : Finding.Ok("devices", $"{machines.Count} machine(s): {seen}", "the edge collects every device of the probe as a machine", facts);
    }

    /// <summary>The Agent device (1.7+): in the probe, in the streams, or in the streams only (MTConnect.NET at 1.3).</summary>
    public static Finding AgentDevice(DevicesDocument probe, StreamsDocument? current)
    {
        const string Edge = "the agent's own device is never a machine: the edge neither stores nor analyses it";
        var inProbe = probe.Devices.FirstOrDefault(d => d.IsAgent);
        var known = probe.Devices.Select(d => d.Uuid ?? d.Name).ToHashSet(StringComparer.Ordinal);
        var strangers = current?.Streams.Where(s => !known.Contains(s.Uuid ?? s.Name) && !probe.Devices.Any(d => d.Name == s.Name)).ToList() ?? [];
        var facts = new JsonObject
        {
            ["inProbe"] = inProbe is not null,
            ["streamsOnly"] = new JsonArray([.. strangers.Select(s => JsonValue.Create(s.Name))]),
        };
        var atLeast17 = probe.Version is { } v && string.CompareOrdinal(v, "1.7") >= 0;
        if (strangers.Count > 0)
        {
            return Finding.Warn("agent-device",
                $"the streams hold device(s) the probe does not list: {string.Join(", ", strangers.Select(s => $"{s.Name} (uuid {s.Uuid ?? "none"})"))}",
                "the edge collects only the probe's devices and never treats the agent's device as a machine, so this is safe", facts);
        }

        if (inProbe is not null)
        {
            return Finding.Ok("agent-device", $"the probe lists the agent's own device '{inProbe.Name}' (uuid {inProbe.Uuid ?? "none"})", Edge, facts);
        }

        return atLeast17
            ? Finding.Warn("agent-device", $"schema {probe.Version} but no Agent device in the probe (MTConnect 1.7 and later have one)", Edge, facts)
            : Finding.Ok("agent-device", $"no Agent device (schema {probe.Version ?? "unknown"} has none)", Edge, facts);
    }
}
