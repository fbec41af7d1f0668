using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace Mtc.Core.Multipart;

/// <summary>
/// Reads the documents of an agent's streaming response (<c>multipart/mixed</c> from 2.x agents,
/// <c>multipart/x-mixed-replace</c> from 1.x) as each part completes. Parts are framed by their
/// <c>Content-Length</c>; a part without one runs to the next boundary. Bytes before the first boundary are
/// skipped; the closing <c>--boundary--</c>, or the stream ending between parts (2.x agents just stop), ends
/// the reading. Only the current part is held in memory. Errors are <see cref="MtConnectFormatException"/>:
/// <see cref="FormatErrorKind.TooLarge"/> for a part over <see cref="ParserLimits.MaxPartBytes"/>,
/// <see cref="FormatErrorKind.Truncated"/> when the stream ends inside a part, with the byte offset.
/// Transfer encodings (chunked) belong to the HTTP layer: give this the decoded body stream.
/// </summary>
public sealed partial class MultipartDocumentReader : IAsyncDisposable
{
    /// <summary>Longest header block of a part; agents write two short headers.</summary>
    public const int MaxHeaderBytes = 16 * 1024;

    private readonly PipeReader _pipe;
    private readonly byte[] _dashBoundary;
    private readonly byte[] _lineBoundary;
    private readonly int _maxPartBytes;
    private long _offset;
    private int _index;
    private bool _finished;

    public MultipartDocumentReader(Stream stream, string contentType, ParserLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Boundary = MultipartBoundary.Parse(contentType);
        _dashBoundary = Encoding.ASCII.GetBytes("--" + Boundary);
        _lineBoundary = Encoding.ASCII.GetBytes("\n--" + Boundary);
        _maxPartBytes = (limits ?? ParserLimits.Default).MaxPartBytes;
        _pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
    }

    public string Boundary { get; }

    /// <summary>Bytes consumed from the stream so far.</summary>
    public long Position => _offset;

    /// <summary>The next part, or null when the stream has ended cleanly.</summary>
    public async ValueTask<MultipartPart?> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        if (_finished)
        {
            return null;
        }

        if (!await SkipToDelimiterAsync(cancellationToken).ConfigureAwait(false))
        {
            _finished = true;
            return null;
        }

        var headers = await ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
        var bodyOffset = _offset;
        var body = headers.TryGetValue("Content-Length", out var lengthText)
            ? await ReadCountedBodyAsync(lengthText, cancellationToken).ConfigureAwait(false)
            : await ReadBodyToBoundaryAsync(cancellationToken).ConfigureAwait(false);
        return new MultipartPart(_index++, bodyOffset, headers, body);
    }

    /// <summary>Every part to the end of the stream.</summary>
    public async IAsyncEnumerable<MultipartPart> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } part)
        {
            yield return part;
        }
    }

    public ValueTask DisposeAsync() => _pipe.CompleteAsync();

    private void Advance(ReadOnlySequence<byte> buffer, SequencePosition consumed, SequencePosition examined)
    {
        _offset += buffer.Slice(0, consumed).Length;
        _pipe.AdvanceTo(consumed, examined);
    }

    private MtConnectFormatException Error(FormatErrorKind kind, string message, long offset) =>
        new(kind, message) { ByteOffset = offset };

    private async ValueTask<byte[]> ReadCountedBodyAsync(string lengthText, CancellationToken cancellationToken)
    {
        if (!long.TryParse(lengthText.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
        {
            throw Error(FormatErrorKind.Malformed, $"part {_index}: Content-Length '{lengthText}' is not a number", _offset);
        }

        if (length > _maxPartBytes)
        {
            throw Error(FormatErrorKind.TooLarge, $"part {_index} declares {length} bytes, over the limit of {_maxPartBytes}", _offset);
        }

        var size = (int)length;
        var result = await _pipe.ReadAtLeastAsync(size, cancellationToken).ConfigureAwait(false);
        var buffer = result.Buffer;
        if (buffer.Length < size)
        {
            var got = buffer.Length;
            _pipe.AdvanceTo(buffer.Start, buffer.End);
            _finished = true;
            throw Error(FormatErrorKind.Truncated, $"stream ended inside part {_index}: {got} of {size} bytes", _offset + got);
        }

        var body = buffer.Slice(0, size).ToArray();
        Advance(buffer, buffer.GetPosition(size), buffer.GetPosition(size));
        return body;
    }
}
