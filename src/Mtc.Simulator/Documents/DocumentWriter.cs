using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Documents;

/// <summary>What every response document shares: the root element with its namespaces and the header.</summary>
internal static class DocumentWriter
{
    public const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = false,
        CloseOutput = false,
    };

    /// <summary>Writes one document to bytes (parts of a stream need their length before they are sent).</summary>
    public static byte[] Write(Action<XmlWriter> body)
    {
        using var stream = new MemoryStream(4096);
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            writer.WriteStartDocument();
            body(writer);
            writer.WriteEndDocument();
        }

        return stream.ToArray();
    }

    /// <summary>Starts the root element, e.g. <c>MTConnectStreams</c>, in the namespace of the served version.</summary>
    public static string StartRoot(XmlWriter writer, SimAgent agent, string document)
    {
        var ns = agent.Version.Namespace(document);
        writer.WriteStartElement("", "MTConnect" + document, ns);
        writer.WriteAttributeString("xmlns", "m", null, ns);
        writer.WriteAttributeString("xmlns", "xsi", null, XsiNamespace);
        foreach (var (prefix, extension) in agent.Catalog.ExtensionNamespaces)
        {
            writer.WriteAttributeString("xmlns", prefix, null, extension.NamespaceName);
        }

        writer.WriteAttributeString("xsi", "schemaLocation", XsiNamespace, agent.Version.SchemaLocation(document));
        return ns;
    }

    public static void StartHeader(XmlWriter writer, SimAgent agent, string ns, long instanceId, bool error = false)
    {
        writer.WriteStartElement("", "Header", ns);
        writer.WriteAttributeString("creationTime", Timestamp(agent.Now));
        writer.WriteAttributeString("sender", agent.Sender);
        writer.WriteAttributeString("instanceId", Number(instanceId));
        writer.WriteAttributeString("version", agent.Version.AgentVersion);
        if (agent.Version.HasSchemaVersionHeader)
        {
            writer.WriteAttributeString("schemaVersion", agent.Version.Text);
        }

        if (agent.Version.HasDeviceModelChangeTime(error))
        {
            writer.WriteAttributeString("deviceModelChangeTime", Timestamp(agent.ModelChangeTime));
        }
    }

    public static string Timestamp(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes an element from a probe or asset file into the served namespace: elements of
    /// <paramref name="source"/> (the file's MTConnect namespace, or none) move to it, vendor namespaces stay.
    /// </summary>
    public static void WriteElement(XmlWriter writer, XElement element, XNamespace source, string target)
    {
        var ns = element.Name.Namespace == source ? target : element.Name.NamespaceName;
        var prefix = ns == target ? "" : element.GetPrefixOfNamespace(element.Name.Namespace);
        writer.WriteStartElement(prefix, element.Name.LocalName, ns);
        foreach (var attribute in element.Attributes())
        {
            if (attribute.IsNamespaceDeclaration)
            {
                continue;
            }

            if (attribute.Name.Namespace == XNamespace.None)
            {
                writer.WriteAttributeString(attribute.Name.LocalName, attribute.Value);
            }
            else
            {
                writer.WriteAttributeString(element.GetPrefixOfNamespace(attribute.Name.Namespace), attribute.Name.LocalName, attribute.Name.NamespaceName, attribute.Value);
            }
        }

        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XElement child:
                    WriteElement(writer, child, source, target);
                    break;
                case XCData cdata:
                    writer.WriteCData(cdata.Value);
                    break;
                case XText text:
                    writer.WriteString(text.Value);
                    break;
            }
        }

        writer.WriteEndElement();
    }
}
