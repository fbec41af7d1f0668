namespace Mtc.Core.Shdr;

/// <summary>
/// Resolves keys from an explicit list (key → kind), for adapters without a devices model. Keys not in
/// the list go to the fallback (the heuristic by default). Keys compare case-sensitively, as in an agent.
/// </summary>
public sealed class KeyListShdrKeyResolver : IShdrKeyResolver
{
    private readonly Dictionary<string, ShdrItemKind>.AlternateLookup<ReadOnlySpan<char>> _kinds;
    private readonly IShdrKeyResolver _fallback;

    public KeyListShdrKeyResolver(IEnumerable<KeyValuePair<string, ShdrItemKind>> kinds, IShdrKeyResolver? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        _kinds = new Dictionary<string, ShdrItemKind>(kinds, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _fallback = fallback ?? HeuristicShdrKeyResolver.Instance;
    }

    public ShdrItemKind Resolve(ReadOnlySpan<char> device, ReadOnlySpan<char> key, ShdrFollowingFields following) =>
        _kinds.TryGetValue(key, out var kind) ? kind : _fallback.Resolve(device, key, following);
}
