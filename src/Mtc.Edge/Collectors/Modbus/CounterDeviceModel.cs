using System.Text;
using System.Xml;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Edge.Collectors.Modbus;

/// <summary>
/// The device model of one counter channel: a device with its availability, its part count and the channel's input
/// state, as an MTConnectDevices document. It is read back with the same reader as an agent's probe, so the analytics,
/// the outbox record and the cloud see it exactly as they see any device.
/// </summary>
internal sealed record CounterDeviceModel(Device Device, string Document, DataItem Availability, DataItem PartCount, DataItem Input)
{
    /// <summary>Vendor extension namespace of the input state's type (MTConnect has no digital input type).</summary>
    public const string Namespace = "urn:mtconnect-core:modbus:1.0";

    public static CounterDeviceModel For(string machineId, string name, string module, int channel)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            const string ns = "urn:mtconnect.org:MTConnectDevices:2.0";
            w.WriteStartElement("MTConnectDevices", ns);
            w.WriteAttributeString("xmlns", "x", null, Namespace);
            w.WriteStartElement("Header", ns);
            w.WriteAttributeString("creationTime", "1970-01-01T00:00:00Z");
            w.WriteAttributeString("sender", "mtc-edge");
            w.WriteAttributeString("instanceId", "1");
            w.WriteAttributeString("version", "2.0");
            w.WriteAttributeString("bufferSize", "1");
            w.WriteAttributeString("assetBufferSize", "0");
            w.WriteAttributeString("assetCount", "0");
            w.WriteEndElement();
            w.WriteStartElement("Devices", ns);
            w.WriteStartElement("Device", ns);
            w.WriteAttributeString("id", "dev");
            w.WriteAttributeString("name", name);
            w.WriteAttributeString("uuid", machineId);
            w.WriteStartElement("Description", ns);
            w.WriteString($"part counter on channel {channel} of Modbus module {module}");
            w.WriteEndElement();
            w.WriteStartElement("DataItems", ns);
            Item(w, ns, "avail", "availability", "AVAILABILITY");
            Item(w, ns, "parts", "part_count", "PART_COUNT");
            Item(w, ns, "input", "input", "x:DIGITAL_INPUT");
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        var document = sb.ToString();
        var device = MtConnectXml.ReadDevices(Encoding.UTF8.GetBytes(document)).Devices.Single(d => !d.IsAgent);
        var items = device.AllDataItems().ToDictionary(i => i.Id, StringComparer.Ordinal);
        return new CounterDeviceModel(device, document, items["avail"], items["parts"], items["input"]);
    }

    private static void Item(XmlWriter w, string ns, string id, string name, string type)
    {
        w.WriteStartElement("DataItem", ns);
        w.WriteAttributeString("id", id);
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("type", type);
        w.WriteAttributeString("category", "EVENT");
        w.WriteEndElement();
    }
}
