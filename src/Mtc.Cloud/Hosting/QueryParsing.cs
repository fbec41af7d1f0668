using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Hosting;

/// <summary>Query values shared by the read routes, each parsed with a clear 400 naming the parameter.</summary>
internal static class QueryParsing
{
    /// <summary>Page sizes: the default and the largest <c>limit</c> of the lists, and of the observations.</summary>
    public const int DefaultLimit = 100, MaxLimit = 1000, DefaultObservationLimit = 1000, MaxObservationLimit = 10_000;

    public static bool TryRange(string? from, string? to, out TimeRange range, out ProblemHttpResult? problem)
    {
        range = new TimeRange(null, null);
        if (!TryTime("from", from, out var f, out problem) || !TryTime("to", to, out var t, out problem))
        {
            return false;
        }
        range = new TimeRange(f, t);
        return true;
    }

    private static bool TryTime(string name, string? text, out DateTimeOffset? value, out ProblemHttpResult? problem)
    {
        value = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            value = t;
            return true;
        }
        problem = Problems.Invalid($"{name}: '{text}' is not an ISO 8601 time (e.g. 2026-11-27T08:00:00Z).", Param(name));
        return false;
    }

    public static bool TryLimit(int? limit, int defaultLimit, int max, out int value, out ProblemHttpResult? problem)
    {
        value = limit ?? defaultLimit;
        problem = null;
        if (value < 1 || value > max)
        {
            problem = Problems.Invalid($"limit: {value} is outside 1..{max}.", Param("limit"));
            return false;
        }
        return true;
    }

    /// <summary>Cursors are opaque to clients: base64url of "microseconds:id".</summary>
    public static string EncodeCursor(DateTimeOffset time, long id) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{(time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10}:{id}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryCursor(string? text, out TimeCursor? cursor, out ProblemHttpResult? problem)
    {
        cursor = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(b64)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var micros)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                cursor = new TimeCursor(new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero), id);
                return true;
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
        }
        problem = Problems.Invalid($"cursor: '{text}' is not a cursor this API gave out.", Param("cursor"));
        return false;
    }

    public static Dictionary<string, object?> Param(string name) => new() { ["parameter"] = name };

    /// <summary>Ids of edges, machines and streams: 1–128 characters, no control characters.</summary>
    public static bool IsValidId(string? id) => id is { Length: > 0 and <= 128 } && ControlCharacterAt(id) < 0;

    /// <summary>The index of the first control character (U+0000-U+001F, U+007F-U+009F, as <see cref="char.IsControl(char)"/>) in a text, or -1.</summary>
    public static int ControlCharacterAt(string? text)
    {
        if (text is null)
        {
            return -1;
        }
        var low = text.AsSpan().IndexOfAnyInRange('\0', '\u001F');
        var high = text.AsSpan().IndexOfAnyInRange('\u007F', '\u009F');
        return low < 0 ? high : high < 0 ? low : Math.Min(low, high);
    }
}
