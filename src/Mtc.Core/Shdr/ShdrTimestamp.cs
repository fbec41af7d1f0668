using System.Globalization;

namespace Mtc.Core.Shdr;

/// <summary>
/// SHDR timestamps: <c>yyyy-MM-ddTHH:mm:ss[.fraction][Z|±hh:mm]</c>. No zone means UTC. Any number of
/// fractional digits is read; digits past the 7th (100 ns ticks) are dropped.
/// </summary>
public static class ShdrTimestamp
{
    public static bool TryParse(ReadOnlySpan<char> text, out DateTime utc)
    {
        utc = default;
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't')
            || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long fraction = 0;
        var pos = 19;
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            var digits = 0;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                if (digits < 7)
                {
                    fraction = (fraction * 10) + (text[pos] - '0');
                }

                digits++;
                pos++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                fraction *= 10;
            }
        }

        var offsetMinutes = 0;
        if (pos < text.Length)
        {
            var zone = text[pos..];
            if (zone is "Z" or "z")
            {
            }
            else if ((zone[0] == '+' || zone[0] == '-') && TryOffset(zone[1..], out var minutes))
            {
                offsetMinutes = zone[0] == '+' ? minutes : -minutes;
            }
            else
            {
                return false;
            }
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction
            - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    /// <summary>Splits <c>timestamp@duration</c>; the duration is in seconds.</summary>
    internal static bool TrySplitDuration(ReadOnlySpan<char> field, out ReadOnlySpan<char> timestamp, out double? duration)
    {
        var at = field.IndexOf('@');
        if (at < 0)
        {
            timestamp = field;
            duration = null;
            return true;
        }

        timestamp = field[..at].TrimEnd();
        if (double.TryParse(field[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && seconds >= 0)
        {
            duration = seconds;
            return true;
        }

        duration = null;
        return false;
    }

    private static bool TryOffset(ReadOnlySpan<char> text, out int minutes)
    {
        minutes = 0;
        int hours, mins;
        if (text.Length == 5 && text[2] == ':')
        {
            if (!Digits(text, 0, 2, out hours) || !Digits(text, 3, 2, out mins))
            {
                return false;
            }
        }
        else if (text.Length == 4)
        {
            if (!Digits(text, 0, 2, out hours) || !Digits(text, 2, 2, out mins))
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (hours > 14 || mins > 59)
        {
            return false;
        }

        minutes = (hours * 60) + mins;
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
