using System.Xml.Linq;

namespace Mtc.Simulator.Agent;

/// <summary>One device served by the agent: its probe element as declared, and its data items.</summary>
internal sealed class DeviceModel
{
    public DeviceModel(XElement element, XNamespace sourceNamespace)
    {
        Element = element;
        SourceNamespace = sourceNamespace;
        Id = (string?)element.Attribute("id") ?? "";
        Name = (string?)element.Attribute("name") ?? Id;
        Uuid = (string?)element.Attribute("uuid") ?? Name;
    }

    public string Id { get; }
    public string Name { get; }
    public string Uuid { get; }

    /// <summary>The <c>Device</c> element, in <see cref="SourceNamespace"/>; written into the served namespace on output.</summary>
    public XElement Element { get; }
    public XNamespace SourceNamespace { get; }

    public List<SimDataItem> DataItems { get; } = [];

    /// <summary>False for a device that is in the streams but not in <c>probe</c> (an agent device before 1.7, as MTConnect.NET serves it).</summary>
    public bool ListedInProbe { get; set; } = true;

    /// <summary>The agent's own device (an <c>Agent</c> element), not a machine.</summary>
    public bool IsAgent => Element.Name.LocalName == "Agent";

    public bool Matches(string key) =>
        string.Equals(Name, key, StringComparison.Ordinal)
        || string.Equals(Uuid, key, StringComparison.Ordinal)
        || string.Equals(Id, key, StringComparison.Ordinal);
}
