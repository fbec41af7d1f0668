using System.Xml;
using System.Xml.Linq;

namespace Mtc.Cli.Tests.Inspect;

/// <summary>Counts taken from an XML document with LINQ to XML, by local names, independently of the product's reader.</summary>
internal static class XmlCounts
{
    public static TheoryData<string> XmlDocuments()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(CorpusFiles.Root, "*.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(CorpusFiles.Root, file));
        }

        return data;
    }

    public static CorpusFiles.Expected Count(string path)
    {
        XDocument doc;
        using (var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
        {
            doc = XDocument.Load(reader);
        }

        var root = doc.Root!;
        IEnumerable<XElement> Named(XContainer c, string name) => c.Descendants().Where(e => e.Name.LocalName == name);
        IEnumerable<XElement> Children(XElement? e) => e?.Elements() ?? [];

        switch (root.Name.LocalName)
        {
            case "MTConnectDevices":
                var devices = Children(Named(root, "Devices").FirstOrDefault()).ToList();
                return new("devices", devices.Count, devices.Sum(d => Named(d, "DataItem").Count()), 0, 0, 0, 0, 0);
            case "Device":
                return new("devices", 1, Named(root, "DataItem").Count(), 0, 0, 0, 0, 0);
            case "MTConnectStreams":
                var samplesAndEvents = Named(root, "Samples").Concat(Named(root, "Events")).SelectMany(e => e.Elements()).ToList();
                var conditions = Named(root, "Condition").SelectMany(e => e.Elements()).ToList();
                var unavailable = samplesAndEvents.Count(e => e.Value.Trim() == "UNAVAILABLE") + conditions.Count(e => e.Name.LocalName == "Unavailable");
                return new("streams", Named(root, "DeviceStream").Count(), 0, samplesAndEvents.Count + conditions.Count, conditions.Count, unavailable, 0, 0);
            case "MTConnectError":
                var errors = Named(root, "Errors").FirstOrDefault() is { } list ? list.Elements().Count() : Named(root, "Error").Count();
                return new("error", 0, 0, 0, 0, 0, errors, 0);
            case "MTConnectAssets":
                return new("assets", 0, 0, 0, 0, 0, 0, Children(Named(root, "Assets").FirstOrDefault()).Count());
            default:
                // A bare asset element (a file an adapter sends with @ASSET@).
                Assert.NotNull(root.Attribute("assetId"));
                return new("assets", 0, 0, 0, 0, 0, 0, 1);
        }
    }
}
