namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>
/// Passes a streaming body through unchanged while noting where UTF-8 byte order marks occur (a BOM split across two
/// reads is found too), and ends the stream after <paramref name="maxBytes"/> so a run reads a bounded amount.
/// </summary>
internal sealed class StreamTap(Stream inner, long maxBytes) : ReadOnlyWrapperStream(inner)
{
    private const int MaxMarks = 100_000;
    private readonly List<long> _boms = [];
    private int _matched;

    public long BytesRead { get; private set; }

    public bool HitLimit { get; private set; }

    /// <summary>Byte offsets of the BOMs seen (the offset of their first byte), at most 100,000.</summary>
    public IReadOnlyList<long> BomOffsets => _boms;

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var allowed = Limit(count);
        return allowed == 0 ? 0 : Note(buffer.AsSpan(offset, allowed), Inner.Read(buffer, offset, allowed));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var slice = buffer[..Limit(buffer.Length)];
        if (slice.IsEmpty && buffer.Length > 0)
        {
            return 0;
        }

        var n = await Inner.ReadAsync(slice, cancellationToken).ConfigureAwait(false);
        return Note(slice.Span, n);
    }

    private int Limit(int count)
    {
        var left = maxBytes - BytesRead;
        if (left <= 0)
        {
            HitLimit = true;
            return 0;
        }

        return (int)Math.Min(count, left);
    }

    private int Note(ReadOnlySpan<byte> buffer, int n)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        for (var i = 0; i < n; i++)
        {
            var b = buffer[i];
            _matched = b == bom[_matched] ? _matched + 1 : b == bom[0] ? 1 : 0;
            if (_matched == 3)
            {
                if (_boms.Count < MaxMarks)
                {
                    _boms.Add(BytesRead + i - 2);
                }

                _matched = 0;
            }
        }

        BytesRead += n;
        return n;
    }
}
