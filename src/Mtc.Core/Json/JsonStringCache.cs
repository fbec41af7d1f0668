using System.Text.Json;

namespace Mtc.Core.Json;

/// <summary>
/// Gives the same string instance for the same short text within one document: a streams document repeats the same
/// data item ids, names and values thousands of times, and each would otherwise be a new string.
/// </summary>
internal sealed class JsonStringCache
{
    private const int MaxCachedLength = 64;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public JsonStringCache() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The text of a string or property name token.</summary>
    public string Get(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueSpan.Length > MaxCachedLength)
        {
            return reader.GetString()!;
        }

        Span<char> chars = stackalloc char[MaxCachedLength];
        var text = chars[..reader.CopyString(chars)];
        if (_lookup.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var created = text.ToString();
        _strings[created] = created;
        return created;
    }
}
