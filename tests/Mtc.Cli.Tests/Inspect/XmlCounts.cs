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
            // bent/: documents that break a rule the reader reads around; their own tests count them.
            if (CorpusFiles.IsHostile(file) || Path.GetRelativePath(CorpusFiles.Root, file).StartsWith("bent", StringComparison.Ordinal))
            {
                continue;
            }

            data.Add(Path.GetRelativePath(CorpusFiles.Root, file));
        }

        return data;
    }

    /// <summary>
    /// The line where a corpus capture is broken upstream, or null when it is sound: not well-formed XML, or a header
    /// number (instanceId, bufferSize, sequences) of a streams document that is not an integer (a client continues
    /// from those; in a devices document they are informational and a bad one is left out).
    /// </summary>
    public static int? BrokenAt(string path)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            return ex.LineNumber;
        }

        var numbers = new[] { "instanceId", "bufferSize", "firstSequence", "lastSequence", "nextSequence" };
        if (doc.Root!.Name.LocalName != "MTConnectStreams")
        {
            return null;
        }

        var bad = doc.Descendants().Where(e => e.Name.LocalName == "Header")
            .SelectMany(h => h.Attributes())
            .FirstOrDefault(a => numbers.Contains(a.Name.LocalName) && !long.TryParse(a.Value, out _));
        return bad is null ? null : ((IXmlLineInfo)bad).LineNumber;
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
