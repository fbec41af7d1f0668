using Mtc.Core.Json;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Core;

public enum DocumentFormat
{
    Unknown,
    Xml,
    Json,
}

/// <summary>
/// Reads any MTConnect response document, XML or cppagent JSON, choosing the reader from the content:
/// the first byte that is not white space (after a UTF-8 byte order mark) is <c>&lt;</c> for XML, <c>{</c> or <c>[</c> for JSON.
/// </summary>
public static class MtConnectDocumentReader
{
    public static DocumentFormat Sniff(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            content = content[3..];
        }

        var text = content.TrimStart(" \t\r\n"u8);
        return text.IsEmpty ? DocumentFormat.Unknown : text[0] switch
        {
            (byte)'<' => DocumentFormat.Xml,
            (byte)'{' or (byte)'[' => DocumentFormat.Json,
            _ => DocumentFormat.Unknown,
        };
    }

    public static MtConnectDocument Read(ReadOnlyMemory<byte> content, ParserLimits? limits = null) =>
        Sniff(content.Span) switch
        {
            DocumentFormat.Json => MtConnectJson.Read(content, limits),
            DocumentFormat.Xml => MtConnectXml.Read(content, limits),
            _ when content.Span.TrimStart(" \t\r\n"u8).IsEmpty => throw new MtConnectFormatException(FormatErrorKind.Truncated, "the document is empty", 1, 1),
            _ => throw new MtConnectFormatException(FormatErrorKind.NotMtConnect, "neither XML nor JSON: an MTConnect document starts with '<' or '{'", 1, 1),
        };

    public static MtConnectDocument Read(Stream stream, ParserLimits? limits = null)
    {
        limits ??= ParserLimits.Default;
        return Read(DocumentBytes.ReadAll(stream, limits.MaxDocumentBytes), limits);
    }

    public static async Task<MtConnectDocument> ReadAsync(Stream stream, ParserLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= ParserLimits.Default;
        var bytes = await DocumentBytes.ReadAllAsync(stream, limits.MaxDocumentBytes, cancellationToken).ConfigureAwait(false);
        return Read(bytes, limits);
    }
}
