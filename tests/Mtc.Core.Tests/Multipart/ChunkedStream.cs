namespace Mtc.Core.Tests.Multipart;

/// <summary>A read-only stream over bytes that hands them out in the chunk sizes given (then the rest in one read),
/// as a socket does. With chunk size 1 every read returns one byte.</summary>
internal sealed class ChunkedStream(byte[] data, IEnumerable<int> chunkSizes) : Stream
{
    private readonly IEnumerator<int> _sizes = chunkSizes.GetEnumerator();
    private int _position;

    public static ChunkedStream OneByteAtATime(byte[] data) => new(data, Enumerable.Repeat(1, data.Length));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var size = _sizes.MoveNext() ? Math.Max(_sizes.Current, 1) : int.MaxValue;
        var take = Math.Min(Math.Min(size, buffer.Length), data.Length - _position);
        data.AsSpan(_position, take).CopyTo(buffer);
        _position += take;
        return take;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
