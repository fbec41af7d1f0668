using System.Xml.Linq;
using Mtc.Simulator.Agent.Quirks;

namespace Mtc.Simulator.Agent;

/// <summary>
/// The <c>Agent</c> device an agent lists first in its probe from schema 1.7 on (cppagent does), with its own
/// availability and the device-added/removed/changed events. Before 1.7, with
/// <see cref="AgentQuirks.AgentDeviceOnlyInStreams"/>, an agent device with only its availability (the events are 1.7's)
/// that the streams show and the probe does not.
/// </summary>
internal static class AgentDevice
{
    public const string AvailabilityId = "agent_avail";

    public static DeviceCatalog With(DeviceCatalog catalog, SchemaVersion version, AgentQuirks quirks)
    {
        var before17 = version.Major < 1 || (version.Major == 1 && version.Minor < 7);
        if (before17 && !quirks.AgentDeviceOnlyInStreams)
        {
            return catalog;
        }

        static XElement Item(string id, string type) =>
            new("DataItem", new XAttribute("category", "EVENT"), new XAttribute("id", id), new XAttribute("type", type));

        var items = new XElement("DataItems", Item(AvailabilityId, "AVAILABILITY"));
        if (!before17)
        {
            items.Add(
                Item("agent_device_added", "DEVICE_ADDED"),
                Item("agent_device_removed", "DEVICE_REMOVED"),
                Item("agent_device_changed", "DEVICE_CHANGED"));
        }

        var element = new XElement("Agent",
            new XAttribute("id", "agent"), new XAttribute("name", "Agent"), new XAttribute("uuid", "mtc-sim-agent"),
            new XAttribute("mtconnectVersion", version.Text),
            items);
        var agent = DeviceCatalog.Load(element, []);
        agent.ListedInProbe = !before17;
        if (agent.DataItems.Any(i => catalog.ById(i.Id) is not null) || catalog.FindDevice("Agent") is not null)
        {
            // The served devices already use these names: leave the agent device out rather than clash.
            return catalog;
        }

        return new DeviceCatalog([agent, .. catalog.Devices], catalog.ExtensionNamespaces);
    }
}
