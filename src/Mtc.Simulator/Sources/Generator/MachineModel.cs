using System.Xml.Linq;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Generator;

/// <summary>The kinds of generated machines: a 3-axis mill or a 2-axis lathe.</summary>
internal enum MachineKind
{
    Mill,
    Lathe,
}

/// <summary>
/// The device model of a generated machine, written as a Devices.xml declares one: Availability and
/// FunctionalMode on the device, an Axes component (linear axes, the spindle), and a Controller with a Path.
/// Data item ids are <c>{device id}-{key}</c>; names are the keys an adapter would send.
/// </summary>
internal static class MachineModel
{
    public static DeviceModel Build(string id, string name, string uuid, MachineKind kind)
    {
        XElement Item(string key, string category, string type, string? subType = null, string? units = null)
        {
            var element = new XElement("DataItem",
                new XAttribute("category", category),
                new XAttribute("id", $"{id}-{key}"),
                new XAttribute("name", key),
                new XAttribute("type", type));
            if (subType is not null)
            {
                element.Add(new XAttribute("subType", subType));
            }

            if (units is not null)
            {
                element.Add(new XAttribute("units", units), new XAttribute("nativeUnits", units));
            }

            return element;
        }

        XElement Linear(string axis) =>
            new("Linear", new XAttribute("id", $"{id}-{axis.ToLowerInvariant()}"), new XAttribute("name", axis),
                new XElement("DataItems", Item(axis + "pos", "SAMPLE", "POSITION", "ACTUAL", "MILLIMETER")));

        var axes = kind == MachineKind.Mill ? new[] { "X", "Y", "Z" } : ["X", "Z"];
        var device = new XElement("Device",
            new XAttribute("id", id), new XAttribute("name", name), new XAttribute("uuid", uuid),
            new XElement("Description",
                new XAttribute("manufacturer", "MTConnect-Core"), // a NameType: before 1.7 an NMTOKEN, so no spaces
                new XAttribute("model", kind == MachineKind.Mill ? "Simulated VMC" : "Simulated lathe"),
                new XAttribute("serialNumber", uuid),
                $"Generated {kind.ToString().ToLowerInvariant()}"),
            new XElement("DataItems",
                Item("avail", "EVENT", "AVAILABILITY"),
                Item("fmode", "EVENT", "FUNCTIONAL_MODE"),
                Item("asset_chg", "EVENT", "ASSET_CHANGED")),
            new XElement("Components",
                new XElement("Axes", new XAttribute("id", $"{id}-axes"), new XAttribute("name", "base"),
                    new XElement("Components",
                        axes.Select(Linear),
                        new XElement("Rotary", new XAttribute("id", $"{id}-c"), new XAttribute("name", "C"),
                            new XElement("DataItems",
                                Item("Srpm", "SAMPLE", "ROTARY_VELOCITY", "ACTUAL", "REVOLUTION/MINUTE"),
                                Item("Sload", "SAMPLE", "LOAD", null, "PERCENT"),
                                Item("Stemp", "CONDITION", "TEMPERATURE"))))),
                new XElement("Controller", new XAttribute("id", $"{id}-cont"), new XAttribute("name", "controller"),
                    new XElement("DataItems",
                        Item("estop", "EVENT", "EMERGENCY_STOP"),
                        Item("mode", "EVENT", "CONTROLLER_MODE"),
                        Item("system", "CONDITION", "SYSTEM")),
                    new XElement("Components",
                        new XElement("Path", new XAttribute("id", $"{id}-path"), new XAttribute("name", "path"),
                            new XElement("DataItems",
                                Item("execution", "EVENT", "EXECUTION"),
                                Item("program", "EVENT", "PROGRAM"),
                                Item("partcount", "EVENT", "PART_COUNT"),
                                Item("Frt", "SAMPLE", "PATH_FEEDRATE", "ACTUAL", "MILLIMETER/SECOND"),
                                Item("motion", "CONDITION", "MOTION_PROGRAM")))))));
        return DeviceCatalog.Load(device, []);
    }
}
