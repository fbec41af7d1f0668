namespace Mtc.Core.Multipart;

/// <summary>One part of a multipart stream: its headers (names compared case-insensitively) and its bytes.</summary>
/// <param name="Index">0-based position of the part in the stream.</param>
/// <param name="Offset">Byte offset of the part's body in the stream.</param>
public sealed record MultipartPart(int Index, long Offset, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>The part's <c>Content-Type</c> header, e.g. <c>text/xml</c>; null when absent.</summary>
    public string? ContentType => Headers.GetValueOrDefault("Content-Type");

    /// <summary>True when the part declared its length; false when it was found by scanning to the next boundary.</summary>
    public bool HadContentLength => Headers.ContainsKey("Content-Length");
}
