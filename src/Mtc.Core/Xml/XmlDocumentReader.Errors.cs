using System.Text;
using Mtc.Core.Model;

namespace Mtc.Core.Xml;

internal sealed partial class XmlDocumentReader
{
    /// <summary>
    /// Classic <c>Errors/Error@errorCode</c> (text = message; 1.0 put a single <c>Error</c> under the root) and the
    /// 2.6+ typed form: <c>Errors/OutOfRange@errorCode</c> with <c>ErrorMessage</c>, <c>URI</c>, <c>Request</c> and
    /// <c>QueryParameter@name</c> holding <c>Value</c>, <c>Minimum</c>, <c>Maximum</c>.
    /// </summary>
    private ErrorDocument ReadErrorDocument(string? version)
    {
        DocumentHeader header = new();
        var errors = new List<AgentError>();
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
                else if (ReferenceEquals(name, _names.Errors))
                {
                    ReadEachChild(errors, ReadError);
                }
                else if (ReferenceEquals(name, _names.Error))
                {
                    errors.Add(ReadError());
                }
                else
                {
                    Skip();
                }
            }
        }

        return new ErrorDocument { Header = header, Version = Coalesce(version, header), Errors = errors };
    }

    private AgentError ReadError()
    {
        string elementName = _reader.LocalName;
        string? code = _reader.GetAttribute(_names.ErrorCode);
        bool classic = ReferenceEquals(elementName, _names.Error);

        string? message = null;
        QueryParameter? parameter = null;
        if (classic)
        {
            message = ReadText();
        }
        else if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (NextChild(depth))
            {
                string child = _reader.LocalName;
                if (ReferenceEquals(child, _names.ErrorMessage))
                {
                    message = ReadText();
                }
                else if (ReferenceEquals(child, _names.QueryParameter))
                {
                    parameter = ReadQueryParameter();
                }
                else
                {
                    Skip();
                }
            }
        }

        return new AgentError(code ?? CodeFromElementName(elementName), message?.Trim() ?? string.Empty)
        {
            ElementName = classic ? null : elementName,
            Parameter = parameter,
        };
    }

    private QueryParameter ReadQueryParameter()
    {
        string name = _reader.GetAttribute(_names.Name) ?? string.Empty;
        string? value = null;
        long? minimum = null, maximum = null;
        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (NextChild(depth))
            {
                string child = _reader.LocalName;
                if (ReferenceEquals(child, _names.Value))
                {
                    value = ReadText()?.Trim();
                }
                else if (ReferenceEquals(child, _names.Minimum))
                {
                    minimum = LongElement();
                }
                else if (ReferenceEquals(child, _names.Maximum))
                {
                    maximum = LongElement();
                }
                else
                {
                    Skip();
                }
            }
        }

        return new QueryParameter(name, value, minimum, maximum);
    }

    private long? LongElement()
    {
        string element = _reader.LocalName;
        string? text = ReadText();
        if (text is null)
        {
            return null;
        }

        if (!XmlValues.TryParseLong(text, out long value))
        {
            throw Fail(FormatErrorKind.InvalidValue, $"<{element}>{text}</{element}> is not an integer");
        }

        return value;
    }

    /// <summary><c>OutOfRange</c> → <c>OUT_OF_RANGE</c>, for typed errors written without errorCode.</summary>
    private static string CodeFromElementName(string elementName)
    {
        var code = new StringBuilder(elementName.Length + 4);
        for (int i = 0; i < elementName.Length; i++)
        {
            char c = elementName[i];
            if (char.IsUpper(c) && i > 0 && !char.IsUpper(elementName[i - 1]))
            {
                code.Append('_');
            }

            code.Append(char.ToUpperInvariant(c));
        }

        return code.ToString();
    }
}
