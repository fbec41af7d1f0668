namespace Mtc.Core.Xml;

/// <summary>
/// A read-only view of a stream that refuses to read past a byte limit. Optionally keeps the first bytes read,
/// so that an error the XML reader reports without a position (a DTD) can still be located.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long maxBytes, int keepHeadBytes = 0) : Stream
{
    private long _read;
    private byte[]? _head;
    private int _headLength;

    /// <summary>The first bytes read (up to the size given), empty when none are kept.</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Ask for one byte more than allowed, so that a document of exactly the limit passes.
        long room = maxBytes - _read + 1;
        if (buffer.Length > room)
        {
            buffer = buffer[..(int)room];
        }

        int n = inner.Read(buffer);
        if (_headLength < keepHeadBytes && n > 0)
        {
            _head ??= new byte[keepHeadBytes];
            int keep = Math.Min(n, keepHeadBytes - _headLength);
            buffer[..keep].CopyTo(_head.AsSpan(_headLength));
            _headLength += keep;
        }

        _read += n;
        if (_read > maxBytes)
        {
            throw new MtConnectFormatException(FormatErrorKind.TooLarge, $"the document is larger than the limit of {maxBytes} bytes");
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
