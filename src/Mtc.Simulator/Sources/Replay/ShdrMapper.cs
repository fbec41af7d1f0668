using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Mtc.Core.Model;
using Mtc.Core.Shdr;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Replay;

/// <summary>
/// Maps parsed SHDR lines to the agent's data items, as an agent does: keys match data item names, then ids,
/// of the device the adapter feeds (or of the <c>device:</c> prefix), and each entry becomes the observation
/// Core's <see cref="ShdrObservations"/> makes of it. <c>@ASSET@</c>, <c>@REMOVE_ASSET@</c> and
/// <c>@REMOVE_ALL_ASSETS@</c> change the assets.
/// </summary>
internal sealed class ShdrMapper
{
    private readonly DeviceCatalog _catalog;
    private readonly DeviceModel _device;
    private readonly ILogger _log;
    private readonly Dictionary<DeviceModel, Dictionary<string, SimDataItem>> _keys = [];
    private readonly Dictionary<SimDataItem, DataItem> _models = [];
    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);

    public ShdrMapper(DeviceCatalog catalog, DeviceModel device, ILogger log)
    {
        _catalog = catalog;
        _device = device;
        _log = log;
        foreach (var each in catalog.Devices)
        {
            var keys = new Dictionary<string, SimDataItem>(StringComparer.Ordinal);
            foreach (var item in each.DataItems)
            {
                keys.TryAdd(item.Id, item);
                _models[item] = item.ToModel();
            }

            // Names win over ids, as in an agent's adapter key lookup.
            foreach (var item in each.DataItems)
            {
                if (item.Name is { } name)
                {
                    keys[name] = item;
                }
            }

            _keys[each] = keys;
        }

        // The fed device first, so that its keys win over same-named keys of other devices.
        Resolver = new DeviceShdrKeyResolver(catalog.Devices.OrderBy(d => d == device ? 0 : 1).Select(ToModel));
    }

    /// <summary>Tells the SHDR parser how many fields each key takes (conditions five, messages two, ...).</summary>
    public IShdrKeyResolver Resolver { get; }

    public int UnknownKeys => _unknown.Count;

    /// <summary>Adds the values of a data line to <paramref name="batch"/>; asset commands go to the agent at once.</summary>
    public void Map(SimAgent agent, ShdrLine line, DateTime timestamp, List<SourceValue> batch)
    {
        switch (line)
        {
            case ShdrAssetCommand asset:
                Asset(agent, asset, timestamp);
                break;
            case ShdrDataLine data:
                foreach (var entry in data.Entries)
                {
                    if (Resolve(entry) is { } item)
                    {
                        batch.Add(Value(item, entry, timestamp));
                    }
                    else if (_unknown.Add(entry.Key))
                    {
                        Log.UnknownKey(_log, entry.Key, data.LineNumber, _device.Name);
                    }
                }

                break;
        }
    }

    /// <summary>The observation Core's <see cref="ShdrObservations"/> makes of the entry, as the agent's source value.</summary>
    private SourceValue Value(SimDataItem item, ShdrEntry entry, DateTime timestamp)
    {
        var observation = entry.ToObservation(_models[item], timestamp);
        return new SourceValue(item, timestamp, observation.Value)
        {
            Level = observation.Level,
            NativeCode = observation.NativeCode,
            NativeSeverity = observation.NativeSeverity,
            Qualifier = observation.Qualifier,
            ConditionId = observation.ConditionId,
            SampleCount = observation.SampleCount,
            SampleRate = observation.SampleRate,
            Entries = observation.Entries,
            ResetTriggered = observation.ResetTriggered,
        };
    }

    private SimDataItem? Resolve(ShdrEntry entry)
    {
        var device = entry.Device is { } prefix ? _catalog.FindDevice(prefix) : _device;
        return device is null ? null : _keys[device].GetValueOrDefault(entry.Key);
    }

    private void Asset(SimAgent agent, ShdrAssetCommand command, DateTime timestamp)
    {
        switch (command.Action)
        {
            case ShdrAssetAction.Add when command.AssetId is { } id && command.Body is { } text:
                try
                {
                    var body = ParseAsset(text);
                    agent.PutAsset(new SimAsset(id, command.AssetType ?? body.Name.LocalName, _device.Uuid, timestamp, body));
                }
                catch (XmlException error)
                {
                    Log.LineSkipped(_log, "SHDR", command.LineNumber, $"asset {id} is not well-formed XML: {error.Message}");
                }

                break;
            case ShdrAssetAction.Remove when command.AssetId is { } id:
                agent.RemoveAsset(id, timestamp);
                break;
            case ShdrAssetAction.RemoveAll:
                agent.RemoveAllAssets(command.AssetType, timestamp);
                break;
            default:
                Log.LineSkipped(_log, "SHDR", command.LineNumber, $"asset command {command.Action} is not applied");
                break;
        }
    }

    private static XElement ParseAsset(string text)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(text), settings);
        return XElement.Load(reader);
    }

    private Device ToModel(DeviceModel device) => new()
    {
        ElementName = "Device",
        Id = device.Id,
        Name = device.Name,
        Uuid = device.Uuid,
        DataItems = [.. device.DataItems.Select(i => _models[i])],
    };
}
