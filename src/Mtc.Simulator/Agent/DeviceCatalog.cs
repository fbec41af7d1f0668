using System.Xml.Linq;
using Mtc.Core.Model;

namespace Mtc.Simulator.Agent;

/// <summary>The devices an agent serves and an index of their data items by id, and by name or id per device.</summary>
internal sealed class DeviceCatalog
{
    private readonly Dictionary<string, SimDataItem> _byId = new(StringComparer.Ordinal);

    public DeviceCatalog(IEnumerable<DeviceModel> devices, IReadOnlyDictionary<string, XNamespace>? extensionNamespaces = null)
    {
        Devices = [.. devices];
        ExtensionNamespaces = extensionNamespaces ?? new Dictionary<string, XNamespace>();
        foreach (var device in Devices)
        {
            foreach (var item in device.DataItems)
            {
                if (!_byId.TryAdd(item.Id, item))
                {
                    throw new InvalidDataException($"data item id '{item.Id}' is declared twice (device {device.Name})");
                }
            }
        }
    }

    public IReadOnlyList<DeviceModel> Devices { get; }

    /// <summary>Vendor prefixes used in data item types, with the namespace their observations are written in.</summary>
    public IReadOnlyDictionary<string, XNamespace> ExtensionNamespaces { get; }

    public IEnumerable<SimDataItem> DataItems => Devices.SelectMany(d => d.DataItems);

    public SimDataItem? ById(string id) => _byId.GetValueOrDefault(id);

    public DeviceModel? FindDevice(string key) => Devices.FirstOrDefault(d => d.Matches(key));

    /// <summary>
    /// Builds the data item list of a device from its probe element, as an agent does: every <c>DataItem</c>
    /// with the component (element name, id, name) that declares it.
    /// </summary>
    public static DeviceModel Load(XElement deviceElement, Dictionary<string, XNamespace> extensionNamespaces)
    {
        var ns = deviceElement.Name.Namespace;
        var device = new DeviceModel(deviceElement, ns);
        foreach (var element in deviceElement.Descendants(ns + "DataItem"))
        {
            var component = element.Parent?.Parent ?? deviceElement;
            var type = (string?)element.Attribute("type") ?? throw Invalid(element, "a DataItem without a type");
            var id = (string?)element.Attribute("id") ?? throw Invalid(element, "a DataItem without an id");
            var category = ((string?)element.Attribute("category")) switch
            {
                "SAMPLE" => DataItemCategory.Sample,
                "EVENT" => DataItemCategory.Event,
                "CONDITION" => DataItemCategory.Condition,
                var other => throw Invalid(element, $"data item '{id}' has category '{other}'"),
            };
            var colon = type.IndexOf(':', StringComparison.Ordinal);
            string? prefix = null;
            if (colon > 0)
            {
                prefix = type[..colon];
                if (!extensionNamespaces.ContainsKey(prefix))
                {
                    // A prefix the file never declared still needs a namespace to be well-formed XML.
                    extensionNamespaces[prefix] = element.GetNamespaceOfPrefix(prefix) ?? XNamespace.Get("urn:mtconnect.org:extension:" + prefix);
                }
            }

            device.DataItems.Add(new SimDataItem
            {
                Id = id,
                Name = (string?)element.Attribute("name"),
                Type = type,
                SubType = (string?)element.Attribute("subType"),
                Category = category,
                Representation = (string?)element.Attribute("representation"),
                ComponentType = component.Name.LocalName,
                ComponentId = (string?)component.Attribute("id") ?? device.Id,
                ComponentName = (string?)component.Attribute("name"),
                Device = device,
                ExtensionPrefix = prefix,
            });
        }

        return device;
    }

    private static InvalidDataException Invalid(XElement element, string what)
    {
        var info = (System.Xml.IXmlLineInfo)element;
        return new InvalidDataException(info.HasLineInfo() ? $"line {info.LineNumber}, column {info.LinePosition}: {what}" : what);
    }
}
