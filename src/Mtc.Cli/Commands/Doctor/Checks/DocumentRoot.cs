using System.Xml;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>The kind and schema version an MTConnect XML document's root namespace names (<c>urn:mtconnect.org:MTConnectStreams:2.5</c>).</summary>
internal sealed record DocumentRoot(string Kind, string Version)
{
    private const string Urn = "urn:mtconnect.org:MTConnect";

    /// <summary>Null for JSON, for XML whose root is not in an MTConnect namespace, and for what is not XML.</summary>
    public static DocumentRoot? Read(byte[] bytes)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), SchemaCatalog.SafeSettings());
            if (reader.MoveToContent() != XmlNodeType.Element || !reader.NamespaceURI.StartsWith(Urn, StringComparison.Ordinal))
            {
                return null;
            }

            var rest = reader.NamespaceURI[Urn.Length..];
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            return colon <= 0 ? null : new DocumentRoot(rest[..colon], rest[(colon + 1)..]);
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
