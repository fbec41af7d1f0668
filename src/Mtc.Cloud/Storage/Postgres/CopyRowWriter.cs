using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mtc.Cloud.Ingest;

namespace Mtc.Cloud.Storage.Postgres;

/// <summary>
/// Writes PostgreSQL binary COPY data to a raw COPY stream in large chunks: the header, then rows of the batch's
/// three columns (encoded once) followed by a row body from <see cref="ObservationRows"/>, then the trailer.
/// </summary>
internal sealed class CopyRowWriter(Stream copy, string tenant, string edgeId, string streamId) : IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Signature, flags (no OIDs) and header extension length of the binary COPY format.</summary>
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly byte[] _prefix = Prefix(tenant, edgeId, streamId);
    private byte[] _buffer = Rent(Header);
    private int _length = Header.Length;

    private static byte[] Rent(byte[] header)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(2 * ChunkBytes);
        header.CopyTo(buffer, 0);
        return buffer;
    }

    private static byte[] Prefix(string tenant, string edgeId, string streamId)
    {
        var bytes = new List<byte>(64);
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt16BigEndian(number, ObservationRows.RowPrefixColumns + ObservationRows.BodyColumns);
        bytes.AddRange(number[..2]);
        foreach (var text in (string[])[tenant, edgeId, streamId])
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            BinaryPrimitives.WriteInt32BigEndian(number, utf8.Length);
            bytes.AddRange(number);
            bytes.AddRange(utf8);
        }
        return [.. bytes];
    }

    /// <summary>Adds a row; the caller flushes when <see cref="Full"/>.</summary>
    public void Add(ReadOnlySpan<byte> body)
    {
        Reserve(_prefix.Length + body.Length);
        _prefix.CopyTo(_buffer, _length);
        body.CopyTo(_buffer.AsSpan(_length + _prefix.Length));
        _length += _prefix.Length + body.Length;
    }

    public bool Full => _length >= ChunkBytes;

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await copy.WriteAsync(_buffer.AsMemory(0, _length), ct).ConfigureAwait(false);
        _length = 0;
    }

    /// <summary>Writes the trailer and what is left; disposing the COPY stream then ends the COPY.</summary>
    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), -1);
        _length += 2;
        await FlushAsync(ct).ConfigureAwait(false);
    }

    private void Reserve(int bytes)
    {
        if (_buffer.Length - _length >= bytes)
        {
            return;
        }
        var grown = ArrayPool<byte>.Shared.Rent(_length + bytes);
        _buffer.AsSpan(0, _length).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
