using System.Xml.Linq;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Support;

/// <summary>
/// A devices model built in the test with an XDocument query, independent of the product's XML reader:
/// every Device with all its DataItems flattened under it.
/// </summary>
internal static class DevicesFromXml
{
    public static List<Device> Load(string relative)
    {
        var doc = XDocument.Load(TestData.PathOf(relative));
        return doc.Descendants().Where(e => e.Name.LocalName == "Device").Select(d => new Device
        {
            ElementName = "Device",
            Id = (string?)d.Attribute("id"),
            Name = (string?)d.Attribute("name"),
            Uuid = (string?)d.Attribute("uuid"),
            DataItems = d.Descendants().Where(e => e.Name.LocalName == "DataItem").Select(i => new DataItem
            {
                Id = (string)i.Attribute("id")!,
                Name = (string?)i.Attribute("name"),
                Type = (string)i.Attribute("type")!,
                Category = Enum.Parse<DataItemCategory>((string)i.Attribute("category")!, ignoreCase: true),
                Representation = (string?)i.Attribute("representation"),
            }).ToList(),
        }).ToList();
    }

    /// <summary>Names and ids of the data items of one category, or of one type.</summary>
    public static HashSet<string> Keys(string relative, Func<XElement, bool> where)
    {
        var doc = XDocument.Load(TestData.PathOf(relative));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in doc.Descendants().Where(e => e.Name.LocalName == "DataItem").Where(where))
        {
            keys.Add((string)item.Attribute("id")!);
            if (item.Attribute("name") is { } name)
            {
                keys.Add(name.Value);
            }
        }

        return keys;
    }
}
