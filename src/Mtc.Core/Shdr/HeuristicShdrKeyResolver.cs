namespace Mtc.Core.Shdr;

/// <summary>
/// Reads SHDR without a devices model. Every key is a one-field value, except that a key is read as a
/// condition when all of these hold:
/// <list type="number">
/// <item>the field after it is a condition level word (<c>normal</c>, <c>warning</c>, <c>fault</c>,
/// <c>unavailable</c>, any case);</item>
/// <item>exactly four more fields follow it to the end of the line (adapters write a condition last on its
/// line, usually alone: <c>key|NORMAL||||</c>);</item>
/// <item>the qualifier field (the third of those four) is empty, <c>HIGH</c> or <c>LOW</c>.</item>
/// </list>
/// The last rule keeps <c>a|UNAVAILABLE|b|1|c|2</c> (three values) from being read as a condition.
/// Messages, time series, data sets and tables cannot be told from values by their fields: they need a
/// devices model or a <see cref="KeyListShdrKeyResolver"/>.
/// </summary>
public sealed class HeuristicShdrKeyResolver : IShdrKeyResolver
{
    public static HeuristicShdrKeyResolver Instance { get; } = new();

    public ShdrItemKind Resolve(ReadOnlySpan<char> device, ReadOnlySpan<char> key, ShdrFollowingFields following) =>
        LooksLikeCondition(following) ? ShdrItemKind.Condition : ShdrItemKind.Value;

    public static bool LooksLikeCondition(ShdrFollowingFields following)
    {
        if (following.Count != 5 || !ShdrConditionLevels.TryParse(following[0], out _))
        {
            return false;
        }

        var qualifier = following[3];
        return qualifier.IsEmpty
            || qualifier.Equals("HIGH", StringComparison.OrdinalIgnoreCase)
            || qualifier.Equals("LOW", StringComparison.OrdinalIgnoreCase);
    }
}
