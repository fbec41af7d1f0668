using System.Text;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>
/// Counts observation timestamps written without a time zone (<c>Z</c> or an offset) in raw document bytes: the readers
/// take such a timestamp as UTC, so the text is the only place the difference shows.
/// </summary>
internal sealed class TimestampText
{
    public long Total { get; private set; }
    public long WithoutZone { get; private set; }
    public string? Example { get; private set; }

    public void Add(TimestampText other)
    {
        Total += other.Total;
        WithoutZone += other.WithoutZone;
        Example ??= other.Example;
    }

    public void Scan(ReadOnlySpan<byte> document)
    {
        ReadOnlySpan<byte> xml = " timestamp=\""u8;
        ReadOnlySpan<byte> json = "\"timestamp\":\""u8;
        Scan(document, xml);
        Scan(document, json);
    }

    private void Scan(ReadOnlySpan<byte> document, ReadOnlySpan<byte> marker)
    {
        while (true)
        {
            var at = document.IndexOf(marker);
            if (at < 0)
            {
                return;
            }

            document = document[(at + marker.Length)..];
            var end = document[..Math.Min(document.Length, 64)].IndexOf((byte)'"');
            if (end < 0)
            {
                continue;
            }

            var value = document[..end];
            Total++;
            if (!HasZone(value))
            {
                WithoutZone++;
                Example ??= Encoding.ASCII.GetString(value);
            }
        }
    }

    private static bool HasZone(ReadOnlySpan<byte> value)
    {
        if (value.EndsWith("Z"u8) || value.EndsWith("z"u8))
        {
            return true;
        }

        // ...+hh:mm or ...-hh:mm after the time.
        var t = value.IndexOf((byte)'T');
        return t > 0 && t < value.Length - 6 && value[^3] == ':' && value[^6] is (byte)'+' or (byte)'-';
    }
}
