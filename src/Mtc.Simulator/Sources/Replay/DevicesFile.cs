using System.Xml;
using System.Xml.Linq;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Replay;

/// <summary>Reads a Devices.xml (an agent's device configuration or a probe response) into a catalog, keeping every id.</summary>
internal static class DevicesFile
{
    public static DeviceCatalog Load(string path)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            CloseInput = true,
        };
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(File.OpenRead(path), settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException error)
        {
            throw new InvalidDataException($"{path}: line {error.LineNumber}, column {error.LinePosition}: {error.Message}", error);
        }

        var root = document.Root;
        if (root is null || root.Name.LocalName != "MTConnectDevices")
        {
            throw new InvalidDataException($"{path}: not an MTConnectDevices document (root is <{root?.Name.LocalName}>)");
        }

        var ns = root.Name.Namespace;
        var extensions = new Dictionary<string, XNamespace>(StringComparer.Ordinal);
        var devices = root.Element(ns + "Devices")?.Elements(ns + "Device").ToList() ?? [];
        if (devices.Count == 0)
        {
            throw new InvalidDataException($"{path}: no <Device> in <Devices>");
        }

        return new DeviceCatalog(devices.Select(d => DeviceCatalog.Load(d, extensions)).ToList(), extensions);
    }
}
