using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Mtc.Core.Model;
using Mtc.Simulator.Agent;
using Mtc.Simulator.Documents;

namespace Mtc.Simulator.Mqtt;

/// <summary>
/// The documents of cppagent's MQTT sink in its JSON version 2: a device's model as the device entity alone
/// (<c>{"Device": {...}}</c>, cppagent's <c>JsonEntityPrinter</c>), and <c>MTConnectStreams</c> documents of one device
/// (its <c>printSample</c>): attributes as properties, entity lists as arrays under their element name, observations
/// grouped by component, then Samples/Events/Condition, then element name.
/// </summary>
internal static class JsonDocuments
{
    /// <summary>Elements whose children are a list in JSON version 2, keyed by each child's element name.</summary>
    private static readonly HashSet<string> Lists = new(StringComparer.Ordinal)
    {
        "DataItems", "Components", "Compositions", "References",
    };

    public static byte[] Device(DeviceModel device) => Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName(device.Element.Name.LocalName);
        WriteEntity(w, device.Element);
        w.WriteEndObject();
    });

    private static void WriteEntity(Utf8JsonWriter w, XElement e)
    {
        w.WriteStartObject();
        foreach (var a in e.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.Namespace == XNamespace.None))
        {
            w.WriteString(a.Name.LocalName, a.Value);
        }
        if (!e.HasElements && e.Value.Trim() is { Length: > 0 } text)
        {
            w.WriteString("value", text);
        }
        var list = Lists.Contains(e.Name.LocalName);
        foreach (var group in e.Elements().GroupBy(c => c.Name.LocalName))
        {
            w.WritePropertyName(group.Key);
            var children = group.ToList();
            if (list || children.Count > 1)
            {
                w.WriteStartArray();
                foreach (var c in children)
                {
                    WriteEntity(w, c);
                }
                w.WriteEndArray();
            }
            else
            {
                WriteEntity(w, children[0]);
            }
        }
        w.WriteEndObject();
    }

    /// <summary>A streams document of <paramref name="device"/> with <paramref name="observations"/> (of that device only).</summary>
    public static byte[] Streams(SimAgent agent, BufferState state, long nextSequence, IReadOnlyList<BufferedObservation> observations, DeviceModel device) =>
        Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("MTConnectStreams");
            w.WriteNumber("jsonVersion", 2);
            w.WriteString("schemaVersion", agent.Version.Text);
            w.WriteStartObject("Header");
            w.WriteString("version", agent.Version.AgentVersion);
            w.WriteString("creationTime", DocumentWriter.Timestamp(agent.Now));
            w.WriteNumber("instanceId", state.InstanceId);
            w.WriteString("sender", agent.Sender);
            w.WriteString("schemaVersion", agent.Version.Text);
            w.WriteNumber("bufferSize", state.BufferSize);
            w.WriteNumber("nextSequence", nextSequence);
            w.WriteNumber("firstSequence", state.FirstSequence);
            w.WriteNumber("lastSequence", state.LastSequence);
            w.WriteEndObject();
            w.WriteStartObject("Streams");
            w.WriteStartArray("DeviceStream");
            w.WriteStartObject();
            w.WriteString("name", device.Name);
            w.WriteString("uuid", device.Uuid);
            w.WriteStartArray("ComponentStream");
            foreach (var component in observations.GroupBy(o => o.Item.ComponentId))
            {
                var first = component.First().Item;
                w.WriteStartObject();
                w.WriteString("component", first.ComponentType);
                w.WriteString("componentId", first.ComponentId);
                if (first.ComponentName is { } name)
                {
                    w.WriteString("name", name);
                }
                WriteCategory(w, agent, component, DataItemCategory.Sample, "Samples");
                WriteCategory(w, agent, component, DataItemCategory.Event, "Events");
                WriteCategory(w, agent, component, DataItemCategory.Condition, "Condition");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });

    private static void WriteCategory(Utf8JsonWriter w, SimAgent agent, IEnumerable<BufferedObservation> observations, DataItemCategory category, string container)
    {
        var of = observations.Where(o => o.Observation.Category == category).ToList();
        if (of.Count == 0)
        {
            return;
        }
        w.WriteStartObject(container);
        foreach (var element in of.GroupBy(o => category == DataItemCategory.Condition ? o.Observation.ElementName : ElementName(o.Item)))
        {
            w.WriteStartArray(element.Key);
            foreach (var (observation, item) in element)
            {
                WriteObservation(w, agent, observation, item);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static string ElementName(SimDataItem item) => item.ExtensionPrefix is { } prefix ? $"{prefix}:{item.ElementName}" : item.ElementName;

    private static void WriteObservation(Utf8JsonWriter w, SimAgent agent, Observation o, SimDataItem item)
    {
        w.WriteStartObject();
        w.WriteString("dataItemId", o.DataItemId);
        w.WriteString("timestamp", DocumentWriter.Timestamp(o.Timestamp));
        if (o.Name is { } name)
        {
            w.WriteString("name", name);
        }
        w.WriteNumber("sequence", o.Sequence);
        Optional(w, "subType", o.SubType);
        if (o.Category == DataItemCategory.Condition)
        {
            w.WriteString("type", item.Type);
            Optional(w, "nativeCode", o.NativeCode);
            Optional(w, "nativeSeverity", o.NativeSeverity);
            Optional(w, "qualifier", o.Qualifier);
            Optional(w, "conditionId", o.ConditionId);
            Optional(w, "value", o.Value);
        }
        else if (o.Entries is { } entries)
        {
            w.WriteNumber("count", entries.Count);
            Optional(w, "resetTriggered", o.ResetTriggered);
            w.WriteStartObject("value");
            foreach (var entry in entries)
            {
                if (entry.Removed)
                {
                    w.WriteStartObject(entry.Key);
                    w.WriteBoolean("removed", true);
                    w.WriteEndObject();
                }
                else if (entry.Cells is { } cells)
                {
                    w.WriteStartObject(entry.Key);
                    foreach (var cell in cells)
                    {
                        w.WriteString(cell.Key, cell.Value);
                    }
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteString(entry.Key, entry.Value);
                }
            }
            w.WriteEndObject();
        }
        else
        {
            Optional(w, "nativeCode", (item.IsMessage || item.IsAlarm) ? o.NativeCode : null);
            if (item.IsAssetEvent)
            {
                w.WriteString("assetType", agent.AssetTypeOf(o.Value));
            }
            if (o.SampleCount is { } count)
            {
                w.WriteNumber("sampleCount", count);
            }
            if (o.SampleRate is { } rate)
            {
                w.WriteNumber("sampleRate", rate);
            }
            if (item.IsTimeSeries && o.Value is { } series && series != "UNAVAILABLE")
            {
                // A time series is an array of numbers in JSON version 2.
                w.WriteStartArray("value");
                foreach (var v in series.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    {
                        w.WriteNumberValue(d);
                    }
                    else
                    {
                        w.WriteStringValue(v);
                    }
                }
                w.WriteEndArray();
            }
            else
            {
                Optional(w, "value", o.Value);
            }
        }
        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteString(name, value);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
