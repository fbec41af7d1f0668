using Mtc.Core.Model;

namespace Mtc.Core.Shdr;

/// <summary>
/// Resolves keys as an agent does, from a devices model: a key is a data item's name or id (names win
/// when both match different items). Category CONDITION → condition; type MESSAGE → message; type ALARM → alarm;
/// representation TIME_SERIES, DATA_SET, TABLE → those; everything else a value. A <c>device:</c> prefix
/// (name, uuid or id) picks the device; without one, the default device is searched first, then all.
/// Unknown keys resolve to <see cref="ShdrItemKind.Unknown"/>: the parser reads their fields with the
/// heuristic and marks the entry <see cref="ShdrEntry.IsKnown"/> false.
/// </summary>
public sealed class DeviceShdrKeyResolver : IShdrKeyResolver
{
    private readonly Dictionary<string, Dictionary<string, (DataItem Item, ShdrItemKind Kind)>>.AlternateLookup<ReadOnlySpan<char>> _byDevice;
    private readonly Dictionary<string, (DataItem Item, ShdrItemKind Kind)>.AlternateLookup<ReadOnlySpan<char>> _all;

    public DeviceShdrKeyResolver(DevicesDocument document)
        : this(document?.Devices ?? throw new ArgumentNullException(nameof(document)))
    {
    }

    public DeviceShdrKeyResolver(params IEnumerable<Device> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var byDevice = new Dictionary<string, Dictionary<string, (DataItem Item, ShdrItemKind Kind)>>(StringComparer.Ordinal);
        var all = new Dictionary<string, (DataItem Item, ShdrItemKind Kind)>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var keys = KeysOf(device);
            foreach (var name in new[] { device.Name, device.Uuid, device.Id })
            {
                if (!string.IsNullOrEmpty(name))
                {
                    byDevice.TryAdd(name, keys);
                }
            }

            foreach (var (key, item) in keys)
            {
                all.TryAdd(key, item);
            }
        }

        _byDevice = byDevice.GetAlternateLookup<ReadOnlySpan<char>>();
        _all = all.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ShdrItemKind Resolve(ReadOnlySpan<char> device, ReadOnlySpan<char> key, ShdrFollowingFields following) =>
        TryFind(device, key, out var found) ? found.Kind : ShdrItemKind.Unknown;

    /// <summary>The data item a key names, found as <see cref="Resolve"/> finds it: in the given device
    /// (name, uuid or id) first, then in any device.</summary>
    public bool TryGetDataItem(ReadOnlySpan<char> device, ReadOnlySpan<char> key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out DataItem item)
    {
        var found = TryFind(device, key, out var entry);
        item = entry.Item;
        return found;
    }

    private bool TryFind(ReadOnlySpan<char> device, ReadOnlySpan<char> key, out (DataItem Item, ShdrItemKind Kind) found)
    {
        if (!device.IsEmpty && _byDevice.TryGetValue(device, out var keys)
            && keys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out found))
        {
            return true;
        }

        return _all.TryGetValue(key, out found);
    }

    /// <summary>The kind an agent gives a data item's SHDR fields.</summary>
    public static ShdrItemKind KindOf(DataItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Category == DataItemCategory.Condition)
        {
            return ShdrItemKind.Condition;
        }

        if (item.Category == DataItemCategory.Event && string.Equals(item.Type, "MESSAGE", StringComparison.OrdinalIgnoreCase))
        {
            return ShdrItemKind.Message;
        }

        if (item.Category == DataItemCategory.Event && string.Equals(item.Type, "ALARM", StringComparison.OrdinalIgnoreCase))
        {
            return ShdrItemKind.Alarm;
        }

        return item.Representation?.ToUpperInvariant() switch
        {
            "TIME_SERIES" => ShdrItemKind.TimeSeries,
            "DATA_SET" => ShdrItemKind.DataSet,
            "TABLE" => ShdrItemKind.Table,
            _ => ShdrItemKind.Value,
        };
    }

    private static Dictionary<string, (DataItem Item, ShdrItemKind Kind)> KeysOf(Device device)
    {
        var keys = new Dictionary<string, (DataItem Item, ShdrItemKind Kind)>(StringComparer.Ordinal);
        var items = device.AllDataItems().ToList();
        foreach (var item in items.Where(i => !string.IsNullOrEmpty(i.Name)))
        {
            keys.TryAdd(item.Name!, (item, KindOf(item)));
        }

        foreach (var item in items)
        {
            keys.TryAdd(item.Id, (item, KindOf(item)));
        }

        return keys;
    }
}
