using System.Globalization;
using System.Text;

namespace Mtc.Simulator.Tests;

/// <summary>One part of a multipart stream as it came over the wire: the bytes before its boundary, its header lines as written, its body.</summary>
internal sealed record RawPart(byte[] BeforeBoundary, IReadOnlyList<string> HeaderLines, byte[] Body)
{
    public string? Header(string name) => HeaderLines
        .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
        .Select(l => l[(name.Length + 1)..].Trim())
        .FirstOrDefault();
}

/// <summary>
/// Reads an agent's multipart stream byte by byte, independently of the product's reader, so a test sees exactly
/// what was sent (header spelling, bytes before a boundary).
/// </summary>
internal sealed class RawMultipart(Stream stream, string boundary) : IAsyncDisposable
{
    private readonly byte[] _one = new byte[1];

    public static async Task<(HttpResponseMessage Response, RawMultipart Parts)> OpenAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var type = response.Content.Headers.ContentType ?? throw new InvalidDataException($"GET {path}: no Content-Type");
        var boundary = type.Parameters.FirstOrDefault(p => string.Equals(p.Name, "boundary", StringComparison.OrdinalIgnoreCase))?.Value
            ?? throw new InvalidDataException($"GET {path}: {response.StatusCode} {type} is not a multipart stream");
        return (response, new RawMultipart(await response.Content.ReadAsStreamAsync(cancellationToken), boundary.Trim('"')));
    }

    public static string MediaType(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType ?? "";

    /// <summary>The next part, or null when the stream ends.</summary>
    public async Task<RawPart?> ReadNextAsync(CancellationToken cancellationToken)
    {
        var marker = Encoding.ASCII.GetBytes("--" + boundary + "\r\n");
        var before = new List<byte>();
        var window = new List<byte>();
        while (true)
        {
            if (await ReadByteAsync(cancellationToken) is not { } b)
            {
                return null;
            }

            window.Add(b);
            if (window.Count >= marker.Length && window.Skip(window.Count - marker.Length).SequenceEqual(marker))
            {
                before.AddRange(window.Take(window.Count - marker.Length));
                break;
            }
        }

        // Bytes between the previous body and the boundary, without the CRLF that ends a body.
        var gap = before.ToArray();
        if (gap.Length >= 2 && gap[0] == '\r' && gap[1] == '\n')
        {
            gap = gap[2..];
        }

        var headers = new List<string>();
        while (await ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            headers.Add(line);
        }

        var part = new RawPart(gap, headers, []);
        var length = int.Parse(part.Header("Content-Length") ?? throw new InvalidDataException("a part without Content-Length"), CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return part with { Body = body };
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        while (await ReadByteAsync(cancellationToken) is { } b)
        {
            if (b == '\n')
            {
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(b);
        }

        return null;
    }

    private async Task<byte?> ReadByteAsync(CancellationToken cancellationToken) =>
        await stream.ReadAsync(_one, cancellationToken) == 1 ? _one[0] : null;

    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
