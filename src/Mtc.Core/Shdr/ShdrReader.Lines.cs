using System.Buffers;

namespace Mtc.Core.Shdr;

public sealed partial class ShdrReader : IDisposable
{
    private char[] _chars = [];
    private int _start;
    private int _end;
    private bool _eof;

    public void Dispose()
    {
        if (_chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = [];
        }
    }

    /// <summary>
    /// The next line of the source as a span over the reader's own buffer (no string per line), without its
    /// line break. A line over the limit is skipped to its end and reported as <paramref name="overLong"/>.
    /// </summary>
    private bool TryReadLine(out ReadOnlySpan<char> line, out bool overLong)
    {
        overLong = false;
        var skipping = false;
        if (_chars.Length == 0)
        {
            _chars = ArrayPool<char>.Shared.Rent(16 * 1024);
        }

        while (true)
        {
            var pending = _chars.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf('\n');
            if (newline >= 0)
            {
                _start += newline + 1;
                if (skipping)
                {
                    line = default;
                    overLong = true;
                    return true;
                }

                line = pending[..newline];
                if (!line.IsEmpty && line[^1] == '\r')
                {
                    line = line[..^1];
                }

                return true;
            }

            if (_eof)
            {
                _start = _end;
                line = skipping ? default : pending;
                overLong = skipping;
                return skipping || !pending.IsEmpty;
            }

            if (pending.Length > _limits.MaxShdrLineLength)
            {
                // Drop what is held of an over-long line and read on to its end.
                skipping = true;
                _start = _end = 0;
            }
            else if (_start > 0)
            {
                pending.CopyTo(_chars);
                _end = pending.Length;
                _start = 0;
            }

            if (_end == _chars.Length)
            {
                var bigger = ArrayPool<char>.Shared.Rent(_chars.Length * 2);
                _chars.AsSpan(0, _end).CopyTo(bigger);
                ArrayPool<char>.Shared.Return(_chars);
                _chars = bigger;
            }

            var read = _source!.Read(_chars, _end, _chars.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }
    }
}
