using System.Buffers;
using System.Text;

namespace Mtc.Core.Multipart;

public sealed partial class MultipartDocumentReader
{
    private bool _skippedData;

    /// <summary>Moves past the next <c>--boundary</c> line. False when the stream ends cleanly instead.</summary>
    private async ValueTask<bool> SkipToDelimiterAsync(CancellationToken cancellationToken)
    {
        _skippedData = false;
        while (true)
        {
            var result = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> skipped, _dashBoundary, advancePastDelimiter: true))
            {
                _skippedData |= !IsBlank(skipped);
                if (reader.TryReadTo(out ReadOnlySequence<byte> rest, (byte)'\n'))
                {
                    var closing = StartsWithDashes(rest);
                    Advance(buffer, reader.Position, reader.Position);
                    return !closing;
                }

                var tail = reader.UnreadSequence;
                if (StartsWithDashes(tail))
                {
                    Advance(buffer, buffer.End, buffer.End);
                    return false;
                }

                if (result.IsCompleted || tail.Length > MaxHeaderBytes)
                {
                    var at = _offset + buffer.Length - tail.Length;
                    Advance(buffer, buffer.End, buffer.End);
                    throw result.IsCompleted
                        ? Error(FormatErrorKind.Truncated, $"stream ended in the boundary line of part {_index}", at)
                        : Error(FormatErrorKind.Malformed, $"boundary line of part {_index} is over {MaxHeaderBytes} bytes", at);
                }

                _pipe.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            // Not found: drop what cannot be the start of a delimiter.
            var keep = result.IsCompleted ? 0 : Math.Min(buffer.Length, _dashBoundary.Length - 1);
            var dropped = buffer.Slice(0, buffer.Length - keep);
            _skippedData |= !IsBlank(dropped);
            Advance(buffer, dropped.End, buffer.End);
            if (result.IsCompleted)
            {
                if (!_skippedData)
                {
                    return false;
                }

                throw _index == 0
                    ? Error(FormatErrorKind.Malformed, $"no boundary '--{Boundary}' in the stream", _offset)
                    : Error(FormatErrorKind.Truncated, $"stream ended with data after part {_index - 1} and no boundary", _offset);
            }
        }
    }

    private async ValueTask<Dictionary<string, string>> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                var text = Encoding.Latin1.GetString(line).TrimEnd('\r');
                if (text.Length == 0)
                {
                    Advance(buffer, reader.Position, reader.Position);
                    return headers;
                }

                var colon = text.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw Error(FormatErrorKind.Malformed, $"part {_index}: header line '{Shorten(text)}' has no name", _offset + reader.Consumed - line.Length - 1);
                }

                headers[text[..colon].Trim()] = text[(colon + 1)..].Trim();
            }

            if (buffer.Length > MaxHeaderBytes)
            {
                throw Error(FormatErrorKind.Malformed, $"part {_index}: headers are over {MaxHeaderBytes} bytes", _offset);
            }

            if (result.IsCompleted)
            {
                _finished = true;
                throw Error(FormatErrorKind.Truncated, $"stream ended in the headers of part {_index}", _offset + buffer.Length);
            }

            _pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>A part without Content-Length: its body runs to the line break before the next delimiter.</summary>
    private async ValueTask<byte[]> ReadBodyToBoundaryAsync(CancellationToken cancellationToken)
    {
        long scanned = 0;
        while (true)
        {
            var result = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (StartsWith(buffer, _dashBoundary))
            {
                _pipe.AdvanceTo(buffer.Start);
                return [];
            }

            var waitForStart = buffer.Length < _dashBoundary.Length && !result.IsCompleted && IsPrefixOfDelimiter(buffer);
            var from = Math.Max(0, scanned - _lineBoundary.Length);
            var reader = new SequenceReader<byte>(buffer.Slice(from));
            if (!waitForStart && reader.TryReadTo(out ReadOnlySequence<byte> _, _lineBoundary, advancePastDelimiter: false))
            {
                var newline = from + reader.Consumed;
                var length = newline > 0 && buffer.Slice(newline - 1, 1).FirstSpan[0] == '\r' ? newline - 1 : newline;
                if (length > _maxPartBytes)
                {
                    throw Error(FormatErrorKind.TooLarge, $"part {_index} is over the limit of {_maxPartBytes} bytes", _offset);
                }

                var body = buffer.Slice(0, length).ToArray();
                var next = buffer.GetPosition(newline + 1);
                Advance(buffer, next, next);
                return body;
            }

            scanned = buffer.Length;
            if (buffer.Length > (long)_maxPartBytes + _lineBoundary.Length + 1)
            {
                throw Error(FormatErrorKind.TooLarge, $"part {_index} is over the limit of {_maxPartBytes} bytes", _offset);
            }

            if (result.IsCompleted)
            {
                _finished = true;
                throw Error(FormatErrorKind.Truncated, $"stream ended inside part {_index} after {buffer.Length} bytes and no boundary", _offset + buffer.Length);
            }

            _pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool IsPrefixOfDelimiter(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[(int)buffer.Length];
        buffer.CopyTo(head);
        return _dashBoundary.AsSpan().StartsWith(head);
    }

    private static bool StartsWithDashes(ReadOnlySequence<byte> sequence) => StartsWith(sequence, "--"u8);

    private static bool StartsWith(ReadOnlySequence<byte> sequence, ReadOnlySpan<byte> prefix)
    {
        if (sequence.Length < prefix.Length)
        {
            return false;
        }

        var head = sequence.Slice(0, prefix.Length);
        return head.IsSingleSegment ? head.FirstSpan.SequenceEqual(prefix) : head.ToArray().AsSpan().SequenceEqual(prefix);
    }

    private static bool IsBlank(ReadOnlySequence<byte> sequence)
    {
        foreach (var segment in sequence)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
