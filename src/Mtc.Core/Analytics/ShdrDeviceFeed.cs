using Mtc.Core.Model;
using Mtc.Core.Shdr;

namespace Mtc.Core.Analytics;

/// <summary>
/// Reads an SHDR log as the observations of one device, as an agent fed by that adapter would record them:
/// keys match the device's data item names or ids (names win), a <c>device:</c> prefix naming another device
/// is skipped, unknown keys and assets are skipped, malformed lines are counted and skipped, and each
/// observation gets the next sequence number (from 1). Timestamps are the lines' own.
/// </summary>
public sealed class ShdrDeviceFeed
{
    private readonly DeviceShdrKeyResolver _resolver;
    private readonly HashSet<string> _deviceNames = new(StringComparer.Ordinal);
    private long _sequence;

    public ShdrDeviceFeed(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _resolver = new DeviceShdrKeyResolver(device);
        foreach (var name in new[] { device.Name, device.Uuid, device.Id })
        {
            if (!string.IsNullOrEmpty(name))
            {
                _deviceNames.Add(name);
            }
        }
    }

    public int Lines { get; private set; }
    public int MalformedLines { get; private set; }

    /// <summary>Entries whose key is not a data item of the device (or whose prefix names another device).</summary>
    public long SkippedEntries { get; private set; }

    /// <summary>The first malformed line, for messages.</summary>
    public ShdrParseError? FirstError { get; private set; }

    /// <summary>The device's observations in log order.</summary>
    public IEnumerable<Observation> Read(TextReader log, ParserLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        var reader = new ShdrReader(log, _resolver, limits);
        while (reader.TryRead(out var result))
        {
            Lines = reader.LineNumber;
            if (result.Error is { } error)
            {
                MalformedLines++;
                FirstError ??= error;
                continue;
            }

            if (result.Line is not ShdrDataLine line)
            {
                continue;
            }

            foreach (var entry in line.Entries)
            {
                if (ToObservation(entry, line.Timestamp) is { } observation)
                {
                    yield return observation;
                }
                else
                {
                    SkippedEntries++;
                }
            }
        }

        Lines = reader.LineNumber;
    }

    private Observation? ToObservation(ShdrEntry entry, DateTime timestamp)
    {
        if (!entry.IsKnown
            || (entry.Device is not null && !_deviceNames.Contains(entry.Device))
            || !_resolver.TryGetDataItem(default, entry.Key, out var item))
        {
            return null;
        }

        return entry.ToObservation(item, timestamp, ++_sequence);
    }
}
