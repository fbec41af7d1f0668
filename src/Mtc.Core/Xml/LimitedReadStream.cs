namespace Mtc.Core.Xml;

/// <summary>A read-only view of a stream that refuses to read past a byte limit.</summary>
internal sealed class LimitedReadStream(Stream inner, long maxBytes) : Stream
{
    private long _read;

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
