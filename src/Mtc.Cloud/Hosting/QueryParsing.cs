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

    /// <summary><c>order</c>: asc (the default) or desc.</summary>
    public static bool TryOrder(string? order, out bool descending, out ProblemHttpResult? problem)
    {
        descending = string.Equals(order, "desc", StringComparison.Ordinal);
        problem = null;
        if (string.IsNullOrEmpty(order) || descending || order == "asc")
        {
            return true;
        }
        problem = Problems.Invalid($"order: '{order}' is neither asc nor desc.", Param("order"));
        return false;
    }

    /// <summary>What a cursor is bound to: the route's name and what its query asked for, times normalized.</summary>
    public static string Scope(string route, string machineId, TimeRange range, string rest) =>
        string.Join('\n', route, machineId, range.From?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "",
            range.To?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "", rest);

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

    /// <summary>
    /// Cursors are opaque to clients: base64url of "microseconds:id:query", the last part a short hash of what the query
    /// asked for (<paramref name="query"/>: route, machine, range, order, filters; not the page size), so that a cursor
    /// used with another query is refused instead of silently paging something else.
    /// </summary>
    public static string EncodeCursor(DateTimeOffset time, long id, string query) =>
        Base64Url(string.Create(CultureInfo.InvariantCulture, $"{(time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10}:{id}:{QueryHash(query)}"));

    /// <summary>A cursor after a key (a machine id) in key order, bound to <paramref name="query"/> like the time cursors.</summary>
    public static string EncodeKeyCursor(string key, string query) => Base64Url(QueryHash(query) + ":" + key);

    public static bool TryCursor(string? text, string query, out TimeCursor? cursor, out ProblemHttpResult? problem)
    {
        cursor = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (FromBase64Url(text)?.Split(':') is { Length: 3 } parts
            && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var micros)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && micros is > -62135596800000000 and < 253402300800000000)
        {
            if (parts[2] != QueryHash(query))
            {
                problem = CursorMismatch();
                return false;
            }
            cursor = new TimeCursor(new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero), id);
            return true;
        }
        problem = NotACursor(text);
        return false;
    }

    public static bool TryKeyCursor(string? text, string query, out string? key, out ProblemHttpResult? problem)
    {
        key = null;
        problem = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (FromBase64Url(text) is { } decoded && decoded.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
        {
            if (decoded[..colon] != QueryHash(query))
            {
                problem = CursorMismatch();
                return false;
            }
            key = decoded[(colon + 1)..];
            return true;
        }
        problem = NotACursor(text);
        return false;
    }

    private static ProblemHttpResult NotACursor(string text) =>
        Problems.Invalid($"cursor: '{text}' is not a cursor this API gave out.", Param("cursor"));

    private static ProblemHttpResult CursorMismatch() =>
        Problems.Create(StatusCodes.Status400BadRequest, "cursor-mismatch", "The cursor belongs to another query.",
            "cursor: it was given for another query (another machine, range, order or filter). Repeat the query it came from, " +
            "or start again without a cursor.", Param("cursor"));

    private static string QueryHash(string query) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..8];

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? FromBase64Url(string text)
    {
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            return Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=')));
        }
        catch (FormatException)
        {
            return null;
        }
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
