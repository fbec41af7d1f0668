using System.Xml.Linq;

namespace Mtc.Core.Tests.Support;

/// <summary>Data item keys from a devices file by an XDocument query, independent of the product's XML reader.</summary>
internal static class DevicesFromXml
{
    /// <summary>Names and ids of the data items that match <paramref name="where"/>.</summary>
    public static HashSet<string> Keys(string relative, Func<XElement, bool> where)
    {
        var doc = XDocument.Load(CapturedFiles.PathOf(relative));
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
