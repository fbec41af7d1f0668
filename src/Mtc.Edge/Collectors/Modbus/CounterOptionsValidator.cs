using System.Globalization;

namespace Mtc.Edge.Collectors.Modbus;

/// <summary>Checks <c>Edge:Counters</c>; every problem is one line naming the setting.</summary>
internal static class CounterOptionsValidator
{
    /// <summary>Channels per module: one read of 04 returns at most 125 registers, two per channel.</summary>
    public const int MaxChannel = ModbusFrames.MaxRegisters / 2 - 1;

    public static void Validate(IReadOnlyList<CounterSourceOptions> counters, List<string> errors)
    {
        var machines = new Dictionary<string, string>(StringComparer.Ordinal);
        var modules = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < counters.Count; i++)
        {
            var c = counters[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"Edge:Counters:{i}");
            if (string.IsNullOrWhiteSpace(c.Host))
            {
                errors.Add($"{at}:Host is required: the Modbus TCP module's host name or address.");
            }
            if (c.Port is < 1 or > 65535)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}:Port {c.Port} must be 1-65535."));
            }
            if (c.UnitId is < 0 or > 255)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}:UnitId {c.UnitId} must be 0-255."));
            }
            if (!string.IsNullOrWhiteSpace(c.Host) && !modules.TryAdd(ModbusCollector.SourceKey(c), at))
            {
                errors.Add($"{at} reads the same module and unit as {modules[ModbusCollector.SourceKey(c)]}; give each module once, with all its channels.");
            }
            if (c.PollInterval < TimeSpan.FromMilliseconds(100))
            {
                errors.Add($"{at}:PollInterval must be at least 100 ms.");
            }
            if (c.Timeout < TimeSpan.FromMilliseconds(50) || c.Timeout > TimeSpan.FromMinutes(1))
            {
                errors.Add($"{at}:Timeout must be 50 ms to 1 minute.");
            }
            if (c.UnavailableAfter < TimeSpan.Zero)
            {
                errors.Add($"{at}:UnavailableAfter must not be negative.");
            }
            if (c.Channels.Count == 0)
            {
                errors.Add($"{at}:Channels is required: at least one channel with its MachineId and Channel.");
            }
            var channels = new HashSet<int>();
            for (var j = 0; j < c.Channels.Count; j++)
            {
                ValidateChannel(c.Channels[j], string.Create(CultureInfo.InvariantCulture, $"{at}:Channels:{j}"), channels, machines, errors);
            }
        }
    }

    private static void ValidateChannel(CounterChannelOptions ch, string at, HashSet<int> channels, Dictionary<string, string> machines, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(ch.MachineId) || ch.MachineId.Length > 128 || ch.MachineId.Any(char.IsControl))
        {
            errors.Add($"{at}:MachineId is required: 1-128 characters without control characters.");
        }
        else if (!machines.TryAdd(ch.MachineId, at))
        {
            errors.Add($"{at}:MachineId '{ch.MachineId}' is already the machine of {machines[ch.MachineId]}.");
        }
        if (ch.Name.Length > 128 || ch.Name.Any(char.IsControl))
        {
            errors.Add($"{at}:Name must be at most 128 characters without control characters.");
        }
        if (ch.Channel is < 0 or > MaxChannel)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}:Channel {ch.Channel} must be 0-{MaxChannel} (it is required)."));
        }
        else if (!channels.Add(ch.Channel))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}:Channel {ch.Channel} is given twice for this module."));
        }
    }
}
