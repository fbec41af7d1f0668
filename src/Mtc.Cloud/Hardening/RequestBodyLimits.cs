using System.IO.Compression;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Hosting;

namespace Mtc.Cloud.Hardening;

/// <summary>
/// Bounds every request body (413 past the limit, whether Content-Length says so up front or the stream runs
/// over) and inflates gzip bodies with a separate bound on the decompressed size.
/// </summary>
internal sealed class RequestBodyLimits(RequestDelegate next, IOptions<CloudOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var o = options.Value;
        var request = context.Request;
        if (request.ContentLength > o.MaxBodyBytes)
        {
            await Problems.BodyTooLarge($"The body has {request.ContentLength} bytes; the limit is {o.MaxBodyBytes}.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        Stream body = new BoundedReadStream(request.Body, o.MaxBodyBytes, "body");
        var gzip = false;
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
        {
            gzip = true;
            var inflater = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
            context.Response.RegisterForDispose(inflater);
            body = new BoundedReadStream(inflater, o.MaxDecompressedBytes, "decompressed body");
            request.Headers.Remove("Content-Encoding");
            request.Headers.ContentLength = null;
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await Problems.UnsupportedEncoding(encoding).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        request.Body = body;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BodyTooLargeException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await Problems.BodyTooLarge(e.Message).ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (InvalidDataException e) when (gzip && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await Problems.Create(StatusCodes.Status400BadRequest, "invalid-gzip", "The gzip body cannot be decompressed.", e.Message)
                .ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await Problems.Create(e.StatusCode, Problems.SlugFor(e.StatusCode), "The request could not be read.", e.Message)
                .ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}

internal sealed class BodyTooLargeException(string message) : Exception(message);

/// <summary>A read-only stream that throws <see cref="BodyTooLargeException"/> once more than the limit was read.</summary>
internal sealed class BoundedReadStream(Stream inner, long limit, string what) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        _read += n;
        if (_read > limit)
        {
            throw new BodyTooLargeException($"The {what} exceeds the limit of {limit} bytes.");
        }
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

}
