namespace Mtc.Core.Shdr;

/// <summary>
/// Says what kind of data item an SHDR key names, which decides how many fields after the key belong to it.
/// An agent knows this from its devices model (<see cref="DeviceShdrKeyResolver"/>); without a model,
/// <see cref="HeuristicShdrKeyResolver"/> guesses from the fields.
/// </summary>
public interface IShdrKeyResolver
{
    /// <param name="device">The <c>device:</c> prefix of the key, or the adapter's default device; empty when neither.</param>
    /// <param name="key">The key without the device prefix.</param>
    /// <param name="following">The fields after the key up to the end of the line (already unquoted is not
    /// guaranteed: they are the raw trimmed field texts).</param>
    ShdrItemKind Resolve(ReadOnlySpan<char> device, ReadOnlySpan<char> key, ShdrFollowingFields following);
}

/// <summary>The raw fields after a key, for resolvers that look at them.</summary>
public readonly ref struct ShdrFollowingFields
{
    private readonly ReadOnlySpan<char> _line;
    private readonly ReadOnlySpan<ShdrFieldRange> _fields;

    internal ShdrFollowingFields(ReadOnlySpan<char> line, ReadOnlySpan<ShdrFieldRange> fields)
    {
        _line = line;
        _fields = fields;
    }

    public int Count => _fields.Length;

    public ReadOnlySpan<char> this[int index] => _fields[index].Slice(_line);
}
