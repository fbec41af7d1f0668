using Mtc.Core;
using Mtc.Core.Shdr;

namespace Mtc.Edge.Collectors;

/// <summary>
/// An adapter's bytes as lines (<see cref="ShdrLineAssembler"/>), except that a line over
/// <see cref="ParserLimits.MaxShdrLineLength"/> is skipped to its end and counted, as <c>mtc inspect</c> does, instead of
/// ending the connection: the lines after it are read as usual, and no more than the limit of it is ever held.
/// </summary>
internal sealed class ShdrLineSplitter(ParserLimits limits) : IDisposable
{
    private readonly int _max = limits.MaxShdrLineLength;
    private ShdrLineAssembler _assembler = new(limits);
    private long _lineBytes;
    private bool _skipping;

    /// <summary>Adds bytes and appends the lines they complete; returns how many over-long lines began being skipped.</summary>
    public int Append(ReadOnlySpan<byte> bytes, List<string> lines)
    {
        var overLong = 0;
        var pending = 0; // the first byte not yet handed to the assembler
        var i = 0;
        while (i < bytes.Length)
        {
            var newline = bytes[i..].IndexOf((byte)'\n');
            var end = newline < 0 ? bytes.Length : i + newline + 1;
            if (_skipping)
            {
                _skipping = newline < 0;
                i = pending = end;
                continue;
            }
            var length = _lineBytes + (end - i) - (newline < 0 ? 0 : 1);
            if (length <= _max)
            {
                // Within the limit in bytes, so within it in characters: handed over with its neighbours.
                _lineBytes = newline < 0 ? length : 0;
                i = end;
                continue;
            }
            // Over the limit in bytes; in characters (UTF-8) the assembler decides, given this line alone.
            _assembler.Append(bytes[pending..i], lines);
            try
            {
                _assembler.Append(bytes[i..end], lines);
                _lineBytes = newline < 0 ? length : 0;
            }
            catch (MtConnectFormatException e) when (e.Kind == FormatErrorKind.TooLarge)
            {
                overLong++;
                _assembler.Dispose();
                _assembler = new ShdrLineAssembler(limits);
                _lineBytes = 0;
                _skipping = newline < 0;
            }
            i = pending = end;
        }
        _assembler.Append(bytes[pending..], lines);
        return overLong;
    }

    public void Dispose() => _assembler.Dispose();
}
