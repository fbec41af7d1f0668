using System.Text;
using System.Xml;
using Mtc.Core.Model;

namespace Mtc.Core.Xml;

internal sealed partial class XmlDocumentReader
{
    private static readonly XmlWriterSettings BodySettings = new()
    {
        OmitXmlDeclaration = true,
        ConformanceLevel = ConformanceLevel.Fragment,
        Indent = false,
    };

    private AssetsDocument ReadAssetsDocument(string? version)
    {
        DocumentHeader header = new();
        var assets = new List<Asset>();
        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (NextChild(depth))
            {
                string name = _reader.LocalName;
                if (ReferenceEquals(name, _names.Header))
                {
                    header = ReadHeader();
                }
                else if (ReferenceEquals(name, _names.Assets))
                {
                    // CuttingTool, CuttingToolArchetype, File, Part, a vendor's asset: each element is one asset.
                    ReadEachChild(assets, ReadAsset);
                }
                else
                {
                    Skip();
                }
            }
        }

        return new AssetsDocument { Header = header, Version = Coalesce(version, header), Assets = assets };
    }

    private Asset ReadAsset()
    {
        string assetType = _reader.LocalName;
        string? assetId = null, deviceUuid = null;
        DateTime? timestamp = null;
        bool removed = false;
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                string attribute = _reader.LocalName;
                if (ReferenceEquals(attribute, _names.AssetId))
                {
                    assetId = _reader.Value;
                }
                else if (ReferenceEquals(attribute, _names.DeviceUuid))
                {
                    deviceUuid = _reader.Value;
                }
                else if (ReferenceEquals(attribute, _names.Timestamp))
                {
                    timestamp = TimestampAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Removed))
                {
                    removed = TrueAttribute();
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        if (assetId is null)
        {
            throw Fail(FormatErrorKind.InvalidValue, $"<{_reader.Name}> has no assetId");
        }

        return new Asset
        {
            AssetType = assetType,
            AssetId = assetId,
            DeviceUuid = deviceUuid,
            Timestamp = timestamp,
            Removed = removed,
            Body = CopyOuterXml(),
        };
    }

    /// <summary>The current element as XML text, with the namespaces it uses declared on it.</summary>
    private string CopyOuterXml()
    {
        var body = new StringBuilder();
        using (var writer = XmlWriter.Create(body, BodySettings))
        {
            int depth = _reader.Depth;
            bool done = WriteStartElement(writer);
            while (!done && _reader.Read())
            {
                switch (_reader.NodeType)
                {
                    case XmlNodeType.Element:
                        CheckDepth();
                        WriteStartElement(writer);
                        break;
                    case XmlNodeType.EndElement:
                        writer.WriteFullEndElement();
                        done = _reader.Depth == depth;
                        break;
                    case XmlNodeType.Text:
                        writer.WriteString(_reader.Value);
                        break;
                    case XmlNodeType.CDATA:
                        writer.WriteCData(_reader.Value);
                        break;
                    case XmlNodeType.SignificantWhitespace:
                    case XmlNodeType.Whitespace:
                        writer.WriteWhitespace(_reader.Value);
                        break;
                }
            }
        }

        return body.ToString();
    }

    /// <summary>Writes the start of the current element; for an empty element also its end (returns true then).</summary>
    private bool WriteStartElement(XmlWriter writer)
    {
        writer.WriteStartElement(_reader.Prefix, _reader.LocalName, _reader.NamespaceURI);
        writer.WriteAttributes(_reader, defattr: false);
        _reader.MoveToElement();
        if (_reader.IsEmptyElement)
        {
            writer.WriteEndElement();
            return true;
        }

        return false;
    }
}
