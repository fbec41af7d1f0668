using System.Runtime.CompilerServices;
using System.Xml;
using Mtc.Core.Model;

namespace Mtc.Core.Xml;

/// <summary>
/// One pass over one MTConnect XML document with a forward-only <see cref="XmlReader"/>. Element names are
/// compared by reference (atomized in <see cref="XmlNames"/>), numbers and timestamps are parsed from a reused
/// character buffer, and repeated attribute values (data item ids, names) are shared through the name table.
/// Every element passes through <see cref="CheckDepth"/>, including skipped ones.
/// </summary>
internal sealed partial class XmlDocumentReader
{
    private readonly XmlReader _reader;
    private readonly IXmlLineInfo? _lineInfo;
    private readonly XmlNames _names;
    private readonly int _maxDepth;
    private readonly ValueCache _values = new();
    private readonly BentRules _bent;
    private char[] _chars = new char[128];
    private int _charCount;

    private XmlDocumentReader(XmlReader reader, XmlNames names, ParserLimits limits, BentRules bent)
    {
        _reader = reader;
        _bent = bent;
        _lineInfo = reader as IXmlLineInfo;
        _names = names;
        _maxDepth = limits.MaxDepth;
    }

    public static XmlReaderSettings CreateSettings(ParserLimits limits, XmlNameTable? nameTable) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = limits.MaxDocumentBytes,

        // 0 would mean "no limit" here. With DTDs prohibited no entity can be declared; this is a second fence.
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
        NameTable = nameTable,
    };

    /// <param name="head">The first bytes of the input, to locate an error the XML reader gives without a position.</param>
    public static MtConnectDocument Read(Stream input, ParserLimits limits, Func<ReadOnlyMemory<byte>> head)
    {
        var names = new XmlNames(new NameTable());
        var settings = CreateSettings(limits, names.Table);
        var bent = new BentRules();
        var context = new XmlParserContext(names.Table, new UndeclaredPrefixNamespaces(names.Table, bent), xmlLang: null, XmlSpace.None);
        XmlReader? xml = null;
        try
        {
            xml = XmlReader.Create(input, settings, context);
            bent.Position = xml as IXmlLineInfo;
            var reader = new XmlDocumentReader(xml, names, limits, bent);
            try
            {
                return reader.ReadDocument();
            }
            finally
            {
                reader._observations.Dispose();
            }
        }
        catch (XmlException e)
        {
            throw Translate(e, xml as IXmlLineInfo, head);
        }
        catch (MtConnectFormatException e) when (e.Line == 0 && xml is IXmlLineInfo { LineNumber: > 0 } info)
        {
            // Thrown below the XML reader (the byte limit): add where the reader was.
            throw new MtConnectFormatException(e.Kind, e.Message, info.LineNumber, info.LinePosition, e);
        }
        catch (InsufficientExecutionStackException e)
        {
            var info = xml as IXmlLineInfo;
            throw new MtConnectFormatException(FormatErrorKind.TooDeep, "the document is nested too deeply", info?.LineNumber ?? 0, info?.LinePosition ?? 0, e);
        }
        finally
        {
            xml?.Dispose();
        }
    }

    private static MtConnectFormatException Translate(XmlException e, IXmlLineInfo? info, Func<ReadOnlyMemory<byte>> head)
    {
        string message = e.Message;
        FormatErrorKind kind;
        if (message.Contains("DTD", StringComparison.Ordinal))
        {
            kind = FormatErrorKind.Prohibited;
            message = "a DTD (<!DOCTYPE ...>) is not allowed in an MTConnect document";
        }
        else if (message.Contains("MaxCharactersInDocument", StringComparison.Ordinal))
        {
            kind = FormatErrorKind.TooLarge;
            message = "the document is larger than the size limit";
        }
        else if (message.Contains("Unexpected end of file", StringComparison.Ordinal))
        {
            kind = FormatErrorKind.Truncated;
        }
        else if (message.Contains("Root element is missing", StringComparison.Ordinal))
        {
            kind = FormatErrorKind.Truncated;
            message = "the document is empty";
        }
        else
        {
            kind = FormatErrorKind.Malformed;
        }

        int line = e.LineNumber;
        int column = e.LinePosition;
        if (line == 0 && info is not null)
        {
            line = info.LineNumber;
            column = info.LinePosition;
        }

        if (line == 0 && kind == FormatErrorKind.Prohibited)
        {
            (line, column) = PositionOf("<!DOCTYPE"u8, head().Span);
        }

        return new MtConnectFormatException(kind, message, line, column, e);
    }

    /// <summary>1-based line and column of the first occurrence of <paramref name="marker"/>; (1, 1) when absent.</summary>
    private static (int Line, int Column) PositionOf(ReadOnlySpan<byte> marker, ReadOnlySpan<byte> text)
    {
        int at = text.IndexOf(marker);
        if (at < 0)
        {
            return (1, 1);
        }

        var before = text[..at];
        int lastNewline = before.LastIndexOf((byte)'\n');
        return (before.Count((byte)'\n') + 1, at - lastNewline);
    }

    private MtConnectDocument ReadDocument()
    {
        if (_reader.MoveToContent() != XmlNodeType.Element)
        {
            throw Fail(FormatErrorKind.NotMtConnect, "the document has no root element");
        }

        CheckDepth();
        string root = _reader.LocalName;
        MtConnectDocument document;
        if (IsRoot(root, out bool fragment))
        {
            string? version = fragment ? null : VersionFromNamespace();
            document = ReadRoot(root, version);
        }
        else
        {
            throw Fail(FormatErrorKind.NotMtConnect, $"<{_reader.Name}> is not the root of an MTConnect document (MTConnectDevices, MTConnectStreams, MTConnectError or MTConnectAssets)");
        }

        // The rest must still be well-formed (a second root or trailing garbage is an error).
        while (_reader.Read())
        {
        }

        var bent = _bent.ToList();
        return bent.Count == 0 ? document : document with { Bent = bent };
    }

    private bool IsRoot(string root, out bool fragment)
    {
        fragment = false;
        if (ReferenceEquals(root, _names.MTConnectStreams) || ReferenceEquals(root, _names.MTConnectDevices)
            || ReferenceEquals(root, _names.MTConnectError) || ReferenceEquals(root, _names.MTConnectAssets))
        {
            return true;
        }

        // Fragments that agents read as configuration or take as uploads: a bare Device (a device file)
        // or a bare asset (an asset body, recognised by its assetId).
        fragment = ReferenceEquals(root, _names.Device) || _reader.GetAttribute(_names.AssetId) is not null;
        return fragment;
    }

    private MtConnectDocument ReadRoot(string root, string? version)
    {
        if (ReferenceEquals(root, _names.MTConnectStreams))
        {
            return ReadStreamsDocument(version);
        }

        if (ReferenceEquals(root, _names.MTConnectDevices))
        {
            return ReadDevicesDocument(version);
        }

        if (ReferenceEquals(root, _names.MTConnectError))
        {
            return ReadErrorDocument(version);
        }

        if (ReferenceEquals(root, _names.MTConnectAssets))
        {
            return ReadAssetsDocument(version);
        }

        if (ReferenceEquals(root, _names.Device))
        {
            return new DevicesDocument { Header = new DocumentHeader(), Devices = [ReadDevice()] };
        }

        return new AssetsDocument { Header = new DocumentHeader(), Assets = [ReadAsset()] };
    }

    /// <summary>
    /// <c>urn:mtconnect.org:MTConnectStreams:1.3</c> gives 1.3 (1.0 used <c>urn:mtconnect.com</c>). No namespace is
    /// accepted (older agents and hand-written files), and so is an undeclared prefix (<c>m:MTConnectStreams</c>); any other
    /// namespace on the root is not MTConnect.
    /// </summary>
    private string? VersionFromNamespace()
    {
        string ns = _reader.NamespaceURI;
        if (ns.Length == 0 || ns.StartsWith(BentRule.UndeclaredNamespacePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        if (!ns.StartsWith("urn:mtconnect.org:", StringComparison.Ordinal) && !ns.StartsWith("urn:mtconnect.com:", StringComparison.Ordinal))
        {
            throw Fail(FormatErrorKind.NotMtConnect, $"the root element is in the namespace '{ns}', not an MTConnect namespace");
        }

        int colon = ns.LastIndexOf(':');
        string version = ns[(colon + 1)..];
        return version.Length > 0 && char.IsAsciiDigit(version[0]) ? version : null;
    }

    private static string? Coalesce(string? fromNamespace, DocumentHeader header) => fromNamespace ?? header.SchemaVersion;

    // ---- navigation ----

    /// <summary>Reads each child element of the current element into <paramref name="items"/> (none when it is empty).</summary>
    private void ReadEachChild<T>(List<T> items, Func<T> readItem)
    {
        if (_reader.IsEmptyElement)
        {
            return;
        }

        int depth = _reader.Depth;
        while (NextChild(depth))
        {
            items.Add(readItem());
        }
    }

    /// <summary>Moves to the next child element of the element at <paramref name="parentDepth"/>; false at its end tag.</summary>
    private bool NextChild(int parentDepth)
    {
        while (_reader.Read())
        {
            XmlNodeType type = _reader.NodeType;
            if (type == XmlNodeType.Element)
            {
                CheckDepth();
                return true;
            }

            if (type == XmlNodeType.EndElement && _reader.Depth == parentDepth)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Skips the current element and its content, checking the depth of everything inside.</summary>
    private void Skip()
    {
        if (_reader.IsEmptyElement)
        {
            return;
        }

        int depth = _reader.Depth;
        while (_reader.Read())
        {
            XmlNodeType type = _reader.NodeType;
            if (type == XmlNodeType.Element)
            {
                CheckDepth();
            }
            else if (type == XmlNodeType.EndElement && _reader.Depth == depth)
            {
                return;
            }
        }
    }

    /// <summary>The text of the current element (child elements skipped); null when it has none.</summary>
    private string? ReadText(bool shared = false)
    {
        if (_reader.IsEmptyElement)
        {
            return null;
        }

        int depth = _reader.Depth;
        string? text = null;
        while (_reader.Read())
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                    text = text is null ? (shared ? TextValue() : _reader.Value) : string.Concat(text, _reader.Value);
                    break;
                case XmlNodeType.Element:
                    CheckDepth();
                    Skip();
                    break;
                case XmlNodeType.EndElement when _reader.Depth == depth:
                    return text;
            }
        }

        return text;
    }

    private void CheckDepth()
    {
        if (_reader.Depth >= _maxDepth)
        {
            throw Fail(FormatErrorKind.TooDeep, $"elements are nested deeper than the limit of {_maxDepth}");
        }
    }

    private static void EnsureStack() => RuntimeHelpers.EnsureSufficientExecutionStack();

    // ---- attribute values ----

    /// <summary>Copies the value of the current attribute or text node into the reused buffer, without making a string.</summary>
    private ReadOnlySpan<char> AttributeChars()
    {
        int total = 0;
        while (true)
        {
            int n = _reader.ReadValueChunk(_chars, total, _chars.Length - total);
            total += n;
            if (n == 0 || total < _chars.Length)
            {
                break;
            }

            Array.Resize(ref _chars, _chars.Length * 2);
        }

        _charCount = total;
        return _chars.AsSpan(0, total);
    }

    /// <summary>The current attribute's value as a string shared with every equal value of this document.</summary>
    private string AtomizedAttribute()
    {
        AttributeChars();
        return _names.Table.Add(_chars, 0, _charCount);
    }

    /// <summary>The value of the current text node; short values that repeat share one string.</summary>
    private string TextValue() => _values.Get(AttributeChars());

    private long LongAttribute()
    {
        var chars = AttributeChars();
        if (!XmlValues.TryParseLong(chars, out long value))
        {
            throw Fail(FormatErrorKind.InvalidValue, $"{_reader.LocalName}=\"{chars}\" is not an integer");
        }

        return value;
    }

    private int IntAttribute()
    {
        long value = LongAttribute();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw Fail(FormatErrorKind.InvalidValue, $"{_reader.LocalName}=\"{value}\" is out of range");
        }

        return (int)value;
    }

    private double DoubleAttribute()
    {
        var chars = AttributeChars();
        if (!XmlValues.TryParseDouble(chars, out double value))
        {
            throw Fail(FormatErrorKind.InvalidValue, $"{_reader.LocalName}=\"{chars}\" is not a number");
        }

        return value;
    }

    private DateTime TimestampAttribute()
    {
        var chars = AttributeChars();
        if (!XmlValues.TryParseTimestamp(chars, out DateTime value))
        {
            throw Fail(FormatErrorKind.InvalidValue, $"{_reader.LocalName}=\"{chars}\" is not a timestamp");
        }

        return value;
    }

    private bool TrueAttribute() => ReferenceEquals(AtomizedAttribute(), _names.True);

    private MtConnectFormatException Fail(FormatErrorKind kind, string message) =>
        new(kind, message, _lineInfo?.LineNumber ?? 0, _lineInfo?.LinePosition ?? 0);
}
