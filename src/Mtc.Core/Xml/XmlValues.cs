using System.Globalization;

namespace Mtc.Core.Xml;

/// <summary>Parses MTConnect attribute values from character spans, without intermediate strings.</summary>
internal static class XmlValues
{
    public static bool TryParseLong(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParseDouble(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// Reads <c>yyyy-MM-ddTHH:mm:ss[.f…][Z|±hh:mm]</c> as UTC. No zone means UTC (agents and adapters
    /// write local-less times). Fractions longer than 7 digits are truncated to ticks.
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> text, out DateTime value)
    {
        text = text.Trim();
        if (TryParseIso(text, out value))
        {
            return true;
        }

        // Anything else ISO-like that the BCL understands (e.g. a space instead of 'T').
        return DateTime.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
            out value);
    }

    private static bool TryParseIso(ReadOnlySpan<char> s, out DateTime value)
    {
        value = default;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day)
            || !Digits(s, 11, 2, out int hour) || !Digits(s, 14, 2, out int minute) || !Digits(s, 17, 2, out int second))
        {
            return false;
        }

        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        int i = 19;
        long fractionTicks = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            int start = i;
            long scale = TimeSpan.TicksPerSecond;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (scale > 1)
                {
                    scale /= 10;
                    fractionTicks += (s[i] - '0') * scale;
                }

                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        long offsetTicks = 0;
        if (i < s.Length)
        {
            char zone = s[i];
            if ((zone == 'Z' || zone == 'z') && i + 1 == s.Length)
            {
                // UTC
            }
            else if ((zone == '+' || zone == '-') && s.Length - i == 6 && s[i + 3] == ':'
                && Digits(s, i + 1, 2, out int offsetHours) && Digits(s, i + 4, 2, out int offsetMinutes)
                && offsetHours <= 14 && offsetMinutes <= 59)
            {
                offsetTicks = ((offsetHours * 60L) + offsetMinutes) * TimeSpan.TicksPerMinute;
                if (zone == '-')
                {
                    offsetTicks = -offsetTicks;
                }
            }
            else
            {
                return false;
            }
        }

        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fractionTicks - offsetTicks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            char c = s[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
