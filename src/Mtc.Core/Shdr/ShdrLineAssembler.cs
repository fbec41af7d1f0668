using System.Buffers;
using System.Text;

namespace Mtc.Core.Shdr;

/// <summary>
/// Turns bytes as they arrive from an adapter's socket into complete lines: UTF-8 (a character split across
/// reads is kept whole), lines split anywhere across reads, <c>\n</c> or <c>\r\n</c>. A line longer than
/// <see cref="ParserLimits.MaxShdrLineLength"/> is refused with <see cref="MtConnectFormatException"/>
/// (<see cref="FormatErrorKind.TooLarge"/>): an adapter that sends one is broken, and the caller should drop it.
/// </summary>
public sealed class ShdrLineAssembler : IDisposable
{
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly int _maxLineLength;
    private char[] _pending;
    private int _length;
    private int _lines;

    public ShdrLineAssembler(ParserLimits? limits = null)
    {
        _maxLineLength = (limits ?? ParserLimits.Default).MaxShdrLineLength;
        _pending = ArrayPool<char>.Shared.Rent(1024);
    }

    /// <summary>Complete lines handed out so far.</summary>
    public int LineCount => _lines;

    /// <summary>Characters of the line not yet ended.</summary>
    public int PendingLength => _length;

    /// <summary>Adds bytes; appends every line they complete to <paramref name="lines"/> (without its line break).</summary>
    /// <returns>How many lines were added.</returns>
    public int Append(ReadOnlySpan<byte> bytes, ICollection<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var added = 0;
        while (!bytes.IsEmpty)
        {
            Reserve(Math.Min(bytes.Length, 64 * 1024) + 4);
            var take = Math.Min(bytes.Length, _pending.Length - _length - 4);
            var chars = _decoder.GetChars(bytes[..take], _pending.AsSpan(_length), flush: false);
            bytes = bytes[take..];
            var scanFrom = _length;
            _length += chars;
            added += Emit(scanFrom, lines);
        }

        return added;
    }

    /// <summary>At the end of the input: the last line when it had no line break, otherwise null.</summary>
    public string? Complete()
    {
        Reserve(4);
        _length += _decoder.GetChars([], _pending.AsSpan(_length), flush: true);
        if (_length == 0)
        {
            return null;
        }

        var line = Line(_length);
        _length = 0;
        _lines++;
        return line;
    }

    public void Dispose()
    {
        if (_pending.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_pending);
            _pending = [];
        }
    }

    private int Emit(int scanFrom, ICollection<string> lines)
    {
        var added = 0;
        var start = 0;
        var span = _pending.AsSpan(0, _length);
        while (true)
        {
            var nl = span[scanFrom..].IndexOf('\n');
            if (nl < 0)
            {
                break;
            }

            var end = scanFrom + nl;
            lines.Add(LineAt(start, end));
            _lines++;
            added++;
            start = scanFrom = end + 1;
        }

        if (start > 0)
        {
            span[start..].CopyTo(_pending);
            _length -= start;
        }

        if (_length > _maxLineLength)
        {
            throw new MtConnectFormatException(FormatErrorKind.TooLarge,
                $"line {_lines + 1} is longer than {_maxLineLength} characters", _lines + 1, _maxLineLength + 1);
        }

        return added;
    }

    private string LineAt(int start, int end)
    {
        if (end > start && _pending[end - 1] == '\r')
        {
            end--;
        }

        if (end - start > _maxLineLength)
        {
            throw new MtConnectFormatException(FormatErrorKind.TooLarge,
                $"line {_lines + 1} is longer than {_maxLineLength} characters", _lines + 1, _maxLineLength + 1);
        }

        // A byte order mark at the very start of the stream is not part of the first line.
        if (_lines == 0 && start < end && _pending[start] == '\uFEFF')
        {
            start++;
        }

        return new string(_pending, start, end - start);
    }

    private string Line(int end) => LineAt(0, end);

    private void Reserve(int extra)
    {
        if (_length + extra <= _pending.Length)
        {
            return;
        }

        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_pending.Length * 2, _length + extra));
        _pending.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<char>.Shared.Return(_pending);
        _pending = bigger;
    }
}
