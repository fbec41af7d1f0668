using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Mtc.Core.Model;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Replay;

/// <summary>
/// Maps SHDR fields to data items as an agent does: keys match data item names, then ids, of the device the
/// adapter feeds (or <c>device:key</c>); conditions take five fields, messages two, time series three,
/// everything else one. <c>@ASSET@</c>, <c>@REMOVE_ASSET@</c> and <c>@REMOVE_ALL_ASSETS@</c> change the assets.
/// </summary>
internal sealed class ShdrMapper
{
    private readonly DeviceCatalog _catalog;
    private readonly DeviceModel _device;
    private readonly ILogger _log;
    private readonly Dictionary<DeviceModel, Dictionary<string, SimDataItem>> _keys = [];
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
    }

    public int UnknownKeys => _unknown.Count;

    /// <summary>Adds the values of <paramref name="line"/> to <paramref name="batch"/>; asset commands go to the agent at once.</summary>
    public void Map(SimAgent agent, ShdrLogLine line, DateTime timestamp, List<SourceValue> batch)
    {
        var fields = line.Fields;
        if (fields[0].StartsWith('@'))
        {
            Asset(agent, line, timestamp);
            return;
        }

        var i = 0;
        while (i < fields.Length)
        {
            var key = fields[i++];
            if (key.Length == 0)
            {
                continue;
            }

            var item = Resolve(key);
            if (item is null)
            {
                if (_unknown.Add(key))
                {
                    Log.UnknownKey(_log, key, line.LineNumber, _device.Name);
                }

                i++;
                continue;
            }

            string Field(int at) => at < fields.Length ? fields[at] : "";
            if (item.Category == DataItemCategory.Condition)
            {
                var level = Field(i).ToUpperInvariant() switch
                {
                    "NORMAL" => ConditionLevel.Normal,
                    "WARNING" => ConditionLevel.Warning,
                    "FAULT" => ConditionLevel.Fault,
                    _ => ConditionLevel.Unavailable,
                };
                batch.Add(SourceValue.Condition(item, timestamp, level, Empty(Field(i + 1)), Empty(Field(i + 4)), Empty(Field(i + 2)), Empty(Field(i + 3))));
                i += 5;
            }
            else if (item.IsMessage)
            {
                batch.Add(new SourceValue(item, timestamp, Field(i + 1)) { NativeCode = Empty(Field(i)) });
                i += 2;
            }
            else if (item.IsTimeSeries)
            {
                var count = int.TryParse(Field(i), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
                var rate = double.TryParse(Field(i + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : (double?)null;
                batch.Add(new SourceValue(item, timestamp, Field(i + 2)) { SampleCount = count, SampleRate = rate });
                i += 3;
            }
            else
            {
                batch.Add(new SourceValue(item, timestamp, Field(i)));
                i++;
            }
        }
    }

    private SimDataItem? Resolve(string key)
    {
        var device = _device;
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && _catalog.FindDevice(key[..colon]) is { } prefixed)
        {
            device = prefixed;
            key = key[(colon + 1)..];
        }

        return _keys[device].GetValueOrDefault(key);
    }

    private void Asset(SimAgent agent, ShdrLogLine line, DateTime timestamp)
    {
        var fields = line.Fields;
        string Field(int at) => at < fields.Length ? fields[at] : "";
        switch (fields[0])
        {
            case "@ASSET@":
                try
                {
                    var body = ParseAsset(Field(3));
                    agent.PutAsset(new SimAsset(Field(1), Field(2).Length > 0 ? Field(2) : body.Name.LocalName, _device.Uuid, timestamp, body));
                }
                catch (XmlException error)
                {
                    Log.LineSkipped(_log, "SHDR", line.LineNumber, $"asset {Field(1)} is not well-formed XML: {error.Message}");
                }

                break;
            case "@REMOVE_ASSET@":
                agent.RemoveAsset(Field(1), timestamp);
                break;
            case "@REMOVE_ALL_ASSETS@":
                agent.RemoveAllAssets(Empty(Field(1)), timestamp);
                break;
            default:
                Log.LineSkipped(_log, "SHDR", line.LineNumber, $"{fields[0]} is not replayed");
                break;
        }
    }

    private static XElement ParseAsset(string text)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(text), settings);
        return XElement.Load(reader);
    }

    private static string? Empty(string text) => text.Length == 0 ? null : text;
}
