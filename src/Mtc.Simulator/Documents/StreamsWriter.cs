using System.Globalization;
using System.Xml;
using Mtc.Core.Model;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Documents;

/// <summary>
/// Writes <c>MTConnectStreams</c> documents (current, sample, stream parts): observations grouped by device,
/// then component, then Samples/Events/Condition, each group in sequence order.
/// </summary>
internal static class StreamsWriter
{
    /// <param name="devices">Devices that get a (possibly empty) DeviceStream even without observations.</param>
    public static byte[] Write(SimAgent agent, BufferState state, long nextSequence, IReadOnlyList<BufferedObservation> observations, IReadOnlyList<DeviceModel>? devices = null) =>
        DocumentWriter.Write(writer =>
        {
            var ns = DocumentWriter.StartRoot(writer, agent, "Streams");
            DocumentWriter.StartHeader(writer, agent, ns, state.InstanceId);
            writer.WriteAttributeString("bufferSize", DocumentWriter.Number(state.BufferSize));
            writer.WriteAttributeString("nextSequence", DocumentWriter.Number(nextSequence));
            writer.WriteAttributeString("firstSequence", DocumentWriter.Number(state.FirstSequence));
            writer.WriteAttributeString("lastSequence", DocumentWriter.Number(state.LastSequence));
            writer.WriteEndElement();

            writer.WriteStartElement("", "Streams", ns);
            if (observations.Count == 0 && devices is null && agent.Version.StreamsNeedADeviceStream)
            {
                devices = agent.Catalog.Devices;
            }

            WriteDeviceStreams(writer, agent, ns, observations, devices);
            writer.WriteEndElement();
            writer.WriteEndElement();
        });

    private static void WriteDeviceStreams(XmlWriter writer, SimAgent agent, string ns, IReadOnlyList<BufferedObservation> observations, IReadOnlyList<DeviceModel>? devices)
    {
        // Device order of the probe; components in the order they first appear; entries in sequence order.
        var byDevice = new Dictionary<DeviceModel, Dictionary<string, List<BufferedObservation>>>();
        foreach (var entry in observations)
        {
            if (!byDevice.TryGetValue(entry.Item.Device, out var components))
            {
                byDevice[entry.Item.Device] = components = new Dictionary<string, List<BufferedObservation>>(StringComparer.Ordinal);
            }

            if (!components.TryGetValue(entry.Item.ComponentId, out var list))
            {
                components[entry.Item.ComponentId] = list = [];
            }

            list.Add(entry);
        }

        foreach (var device in agent.Catalog.Devices)
        {
            var has = byDevice.TryGetValue(device, out var components);
            if (!has && (devices is null || !devices.Contains(device)))
            {
                continue;
            }

            writer.WriteStartElement("", "DeviceStream", ns);
            writer.WriteAttributeString("name", device.Name);
            writer.WriteAttributeString("uuid", device.Uuid);
            foreach (var list in components?.Values ?? Enumerable.Empty<List<BufferedObservation>>())
            {
                var first = list[0].Item;
                writer.WriteStartElement("", "ComponentStream", ns);
                writer.WriteAttributeString("component", first.ComponentType);
                if (first.ComponentName is { } componentName)
                {
                    writer.WriteAttributeString("name", componentName);
                }

                writer.WriteAttributeString("componentId", first.ComponentId);
                WriteCategory(writer, agent, ns, list, DataItemCategory.Sample, "Samples");
                WriteCategory(writer, agent, ns, list, DataItemCategory.Event, "Events");
                WriteCategory(writer, agent, ns, list, DataItemCategory.Condition, "Condition");
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        }
    }

    private static void WriteCategory(XmlWriter writer, SimAgent agent, string ns, List<BufferedObservation> list, DataItemCategory category, string container)
    {
        var started = false;
        foreach (var (observation, item) in list)
        {
            if (observation.Category != category)
            {
                continue;
            }

            if (!started)
            {
                writer.WriteStartElement("", container, ns);
                started = true;
            }

            WriteObservation(writer, agent, ns, observation, item);
        }

        if (started)
        {
            writer.WriteEndElement();
        }
    }

    private static void WriteObservation(XmlWriter writer, SimAgent agent, string ns, Observation observation, SimDataItem item)
    {
        if (observation.Category == DataItemCategory.Condition)
        {
            writer.WriteStartElement("", observation.ElementName, ns);
        }
        else if (item.ExtensionPrefix is { } prefix)
        {
            writer.WriteStartElement(prefix, item.ElementName, agent.Catalog.ExtensionNamespaces[prefix].NamespaceName);
        }
        else
        {
            writer.WriteStartElement("", item.ElementName, ns);
        }

        writer.WriteAttributeString("dataItemId", observation.DataItemId);
        writer.WriteAttributeString("timestamp", DocumentWriter.Timestamp(observation.Timestamp));
        if (observation.Name is { } name)
        {
            writer.WriteAttributeString("name", name);
        }

        writer.WriteAttributeString("sequence", DocumentWriter.Number(observation.Sequence));
        if (observation.SubType is { } subType)
        {
            writer.WriteAttributeString("subType", subType);
        }

        if (observation.Category == DataItemCategory.Condition)
        {
            writer.WriteAttributeString("type", item.Type);
            WriteOptional(writer, "nativeCode", observation.NativeCode);
            WriteOptional(writer, "nativeSeverity", observation.NativeSeverity);
            WriteOptional(writer, "qualifier", observation.Qualifier);
            // Required on Warning and Fault from 2.5, but written only as the source gave it: what the agent serves stays what
            // the adapter sent, as the edge's own SHDR mapping records it (a known deviation, see docs/simulator.md).
            if (agent.Version.HasConditionId)
            {
                WriteOptional(writer, "conditionId", observation.ConditionId);
            }
            if (!string.IsNullOrEmpty(observation.Value))
            {
                writer.WriteString(observation.Value);
            }
        }
        else if ((item.IsMessage || item.IsAlarm) && observation.NativeCode is { Length: > 0 } code)
        {
            writer.WriteAttributeString("nativeCode", code);
            writer.WriteString(observation.Value);
        }
        else if (item.IsAssetEvent)
        {
            writer.WriteAttributeString("assetType", agent.AssetTypeOf(observation.Value));
            writer.WriteString(observation.Value);
        }
        else if (observation.Entries is { } entries)
        {
            writer.WriteAttributeString("count", DocumentWriter.Number(entries.Count));
            WriteOptional(writer, "resetTriggered", observation.ResetTriggered);
            foreach (var entry in entries)
            {
                writer.WriteStartElement("", "Entry", ns);
                writer.WriteAttributeString("key", entry.Key);
                if (entry.Removed)
                {
                    writer.WriteAttributeString("removed", "true");
                }
                else if (entry.Cells is { } cells)
                {
                    foreach (var cell in cells)
                    {
                        writer.WriteStartElement("", "Cell", ns);
                        writer.WriteAttributeString("key", cell.Key);
                        writer.WriteString(cell.Value);
                        writer.WriteEndElement();
                    }
                }
                else
                {
                    writer.WriteString(entry.Value);
                }

                writer.WriteEndElement();
            }
        }
        else
        {
            if (observation.SampleCount is { } count)
            {
                writer.WriteAttributeString("sampleCount", DocumentWriter.Number(count));
            }

            if (observation.SampleRate is { } rate)
            {
                writer.WriteAttributeString("sampleRate", rate.ToString(CultureInfo.InvariantCulture));
            }

            writer.WriteString(observation.Value);
        }

        writer.WriteEndElement();
    }

    private static void WriteOptional(XmlWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteAttributeString(name, value);
        }
    }
}
