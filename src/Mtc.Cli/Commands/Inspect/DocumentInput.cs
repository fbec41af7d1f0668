using System.IO.Compression;
using System.Net;
using Mtc.Core;
using Mtc.Core.Multipart;

namespace Mtc.Cli.Commands.Inspect;

/// <summary>The bytes of a document from a file (plain or gzip) or from an agent URL, bounded by the document size limit.</summary>
internal static class DocumentInput
{
    public sealed record Loaded(byte[] Bytes, HttpAnswer? Http);

    /// <param name="Multipart">True for a streaming answer (<c>multipart/*</c>): the document is its first part.</param>
    public sealed record HttpAnswer(int Status, string Reason, string? ContentType, bool Multipart = false)
    {
        public bool IsSuccess => Status is >= 200 and < 300;
    }

    public static bool IsUrl(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public static async Task<Loaded> LoadAsync(string source, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsUrl(source))
        {
            return await FetchAsync(new Uri(source), timeout, cancellationToken).ConfigureAwait(false);
        }

        await using var stream = OpenFile(source);
        return new Loaded(await ReadBoundedAsync(stream, source, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>Opens a file (<c>-</c> for standard input), decompressing it when it starts with the gzip magic bytes.</summary>
    public static Stream OpenFile(string path)
    {
        if (path == "-")
        {
            return Decompressing(new BufferedStream(Console.OpenStandardInput()));
        }

        if (Directory.Exists(path))
        {
            throw new InspectException(InspectException.InvalidInput, path, "is a directory, not a file");
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InspectException(InspectException.InvalidInput, path, "no such file", ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new InspectException(InspectException.Failure, path, $"cannot open the file: {ex.Message}", ex);
        }

        return Decompressing(file);
    }

    private static Stream Decompressing(Stream input)
    {
        var head = new byte[2];
        var n = input.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        var whole = new PrefixedStream(head.AsMemory(0, n), input);
        return n == 2 && head[0] == 0x1F && head[1] == 0x8B ? new GZipStream(whole, CompressionMode.Decompress) : whole;
    }

    private static async Task<Loaded> FetchAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.All };
        using var client = new HttpClient(handler) { Timeout = timeout };
        client.DefaultRequestHeaders.Accept.ParseAdd("application/xml");
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json; q=0.9");
        client.DefaultRequestHeaders.Accept.ParseAdd("*/*; q=0.1");
        var source = url.ToString();

        // The client's timeout covers the headers only: the body (an agent may stream it) gets its own deadline.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var contentType = response.Content.Headers.ContentType;
            var multipart = contentType?.MediaType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true;
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            var bytes = multipart
                ? await FirstPartAsync(body, contentType!.ToString(), source, deadline.Token).ConfigureAwait(false)
                : await ReadBoundedAsync(body, source, deadline.Token).ConfigureAwait(false);
            var answer = new HttpAnswer((int)response.StatusCode, response.ReasonPhrase ?? string.Empty, contentType?.ToString(), multipart);
            return new Loaded(bytes, answer);
        }
        catch (HttpRequestException ex)
        {
            throw new InspectException(InspectException.Failure, source, $"cannot reach the agent: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InspectException(InspectException.Failure, source, $"no answer within {timeout.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>A streaming answer (<c>/sample?interval=</c>) never ends: inspect its first document.</summary>
    private static async Task<byte[]> FirstPartAsync(Stream body, string contentType, string source, CancellationToken cancellationToken)
    {
        await using var parts = new MultipartDocumentReader(body, contentType);
        var first = await parts.ReadNextAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InspectException(InspectException.InvalidInput, source, "the agent's multipart answer has no part");
        return first.Body.ToArray();
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        var max = ParserLimits.Default.MaxDocumentBytes;
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > max)
                {
                    throw new MtConnectFormatException(FormatErrorKind.TooLarge, $"the document is larger than the limit of {max} bytes");
                }

                buffer.Write(chunk, 0, n);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InspectException(InspectException.InvalidInput, source, $"not a valid gzip file: {ex.Message}", ex);
        }

        return buffer.ToArray();
    }
}
