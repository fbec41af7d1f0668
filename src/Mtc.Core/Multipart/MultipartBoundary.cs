using System.Net.Http.Headers;

namespace Mtc.Core.Multipart;

/// <summary>Reads the boundary from a multipart response's Content-Type.</summary>
public static class MultipartBoundary
{
    /// <summary>
    /// <c>multipart/mixed;boundary=X</c> (2.x agents) or <c>multipart/x-mixed-replace; Boundary="X"</c> (1.x):
    /// any multipart media type, parameter name in any case, value quoted or not.
    /// </summary>
    public static bool TryParse(string? contentType, out string boundary)
    {
        boundary = string.Empty;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || media.MediaType is null
            || !media.MediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var parameter = media.Parameters.FirstOrDefault(p => string.Equals(p.Name, "boundary", StringComparison.OrdinalIgnoreCase));
        var value = parameter?.Value?.Trim();
        if (value is { Length: >= 2 } && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }

        // RFC 2046 allows 1 to 70 characters.
        if (string.IsNullOrEmpty(value) || value.Length > 70)
        {
            return false;
        }

        boundary = value;
        return true;
    }

    public static string Parse(string? contentType) =>
        TryParse(contentType, out var boundary)
            ? boundary
            : throw new MtConnectFormatException(FormatErrorKind.Malformed, $"Content-Type '{contentType}' is not multipart with a boundary");
}
