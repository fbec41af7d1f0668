using System.Globalization;
using Mtc.Core.Model;
using Mtc.Core.Shdr;

namespace Mtc.Edge.Collectors;

/// <summary>Maps SHDR entries of one device to observations: keys are data item names or ids (names win).</summary>
internal sealed class ShdrObservations
{
    private readonly Dictionary<string, DataItem> _items = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deviceNames = new(StringComparer.Ordinal);

    public ShdrObservations(Device device)
    {
        Device = device;
        Items = [.. device.AllDataItems()];
        foreach (var item in Items.Where(i => !string.IsNullOrEmpty(i.Name)))
        {
            _items.TryAdd(item.Name!, item);
        }
        foreach (var item in Items)
        {
            _items.TryAdd(item.Id, item);
        }
        foreach (var name in new[] { device.Name, device.Uuid, device.Id })
        {
            if (!string.IsNullOrEmpty(name))
            {
                _deviceNames.Add(name);
            }
        }
    }

    public Device Device { get; }

    public IReadOnlyList<DataItem> Items { get; }

    public Observation? Map(ShdrEntry entry, DateTime timestamp, long sequence)
    {
        if (!entry.IsKnown || (entry.Device is not null && !_deviceNames.Contains(entry.Device)) || !_items.TryGetValue(entry.Key, out var item))
        {
            return null;
        }
        return entry switch
        {
            ShdrCondition c => new Observation
            {
                Category = DataItemCategory.Condition, ElementName = c.Level.ToString(), DataItemId = item.Id, Name = item.Name,
                Sequence = sequence, Timestamp = timestamp, Type = item.Type, SubType = item.SubType, Level = c.Level,
                NativeCode = c.NativeCode, ConditionId = c.ConditionId, NativeSeverity = c.NativeSeverity, Qualifier = c.Qualifier, Value = c.Message,
            },
            ShdrValue v => Plain(item, sequence, timestamp, v.Value),
            ShdrMessage m => Plain(item, sequence, timestamp, m.Text),
            ShdrTimeSeries t => Plain(item, sequence, timestamp,
                t.IsUnavailable ? Observation.UnavailableValue : string.Join(' ', t.Values.Select(x => x.ToString(CultureInfo.InvariantCulture)))),
            ShdrDataSet d => Plain(item, sequence, timestamp, d.IsUnavailable ? Observation.UnavailableValue : null),
            _ => Plain(item, sequence, timestamp, null),
        };
    }

    /// <summary>What an agent records when its adapter goes away: every data item UNAVAILABLE.</summary>
    public Observation Unavailable(DataItem item, DateTime timestamp, long sequence) => item.Category == DataItemCategory.Condition
        ? new Observation
        {
            Category = DataItemCategory.Condition, ElementName = "Unavailable", DataItemId = item.Id, Name = item.Name, Sequence = sequence,
            Timestamp = timestamp, Type = item.Type, SubType = item.SubType, Level = ConditionLevel.Unavailable,
        }
        : Plain(item, sequence, timestamp, Observation.UnavailableValue);

    private static Observation Plain(DataItem item, long sequence, DateTime timestamp, string? value) => new()
    {
        Category = item.Category, ElementName = item.Type, DataItemId = item.Id, Name = item.Name, Sequence = sequence,
        Timestamp = timestamp, SubType = item.SubType, Value = value, Type = item.Category == DataItemCategory.Condition ? item.Type : null,
    };
}
