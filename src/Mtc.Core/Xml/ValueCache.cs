namespace Mtc.Core.Xml;

/// <summary>
/// Shares the strings of short values that repeat within a document (<c>UNAVAILABLE</c>, <c>ACTIVE</c>, <c>ON</c>,
/// <c>0</c>, table keys). Direct-mapped and fixed in size: a miss just makes a new string, so memory stays bounded
/// however many distinct values a document has.
/// </summary>
internal sealed class ValueCache
{
    private const int MaxLength = 32;
    private readonly string?[] _slots = new string?[512];

    public string Get(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxLength)
        {
            return new string(value);
        }

        if (value.IsEmpty)
        {
            return string.Empty;
        }

        // FNV-1a: cheap, and a collision only costs a miss (no chains to flood).
        uint hash = 2166136261;
        foreach (char c in value)
        {
            hash = (hash ^ c) * 16777619;
        }

        int slot = (int)(hash & (uint)(_slots.Length - 1));
        string? cached = _slots[slot];
        if (cached is not null && value.SequenceEqual(cached))
        {
            return cached;
        }

        string created = new(value);
        _slots[slot] = created;
        return created;
    }
}
