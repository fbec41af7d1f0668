namespace Mtc.Core.Model;

/// <summary>A component of a device (Axes, Controller, Path, ...), with its own data items and sub-components.</summary>
public record Component
{
    /// <summary>The element name: <c>Controller</c>, <c>Linear</c>, <c>Device</c>, <c>Agent</c>, or a vendor's.</summary>
    public required string ElementName { get; init; }
    public string? Id { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<DataItem> DataItems { get; init; } = [];
    public IReadOnlyList<Component> Components { get; init; } = [];

    /// <summary>Every data item of this component and of all its sub-components, depth first.</summary>
    public IEnumerable<DataItem> AllDataItems()
    {
        foreach (var item in DataItems)
        {
            yield return item;
        }

        foreach (var child in Components)
        {
            foreach (var item in child.AllDataItems())
            {
                yield return item;
            }
        }
    }
}

/// <summary>A <c>Device</c> or the <c>Agent</c> device of a devices document.</summary>
public sealed record Device : Component
{
    public string? Uuid { get; init; }
    public bool IsAgent => ElementName == "Agent";
}
