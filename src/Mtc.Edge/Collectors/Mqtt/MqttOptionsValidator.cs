using System.Globalization;

namespace Mtc.Edge.Collectors.Mqtt;

/// <summary>Checks <c>Edge:Mqtt</c>; every problem is one line naming the setting.</summary>
internal static class MqttOptionsValidator
{
    public static void Validate(IReadOnlyList<MqttSourceOptions> sources, List<string> errors)
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var clientIds = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < sources.Count; i++)
        {
            var m = sources[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"Edge:Mqtt:{i}");
            if (string.IsNullOrWhiteSpace(m.Host) || m.Host.Any(char.IsWhiteSpace))
            {
                errors.Add($"{at}:Host is required: the MQTT broker's host name or address.");
            }
            if (m.Port is < 1 or > 65535)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}:Port {m.Port} must be 1-65535."));
            }
            if (m.TopicPrefix.Length == 0 || m.TopicPrefix.IndexOfAny(['+', '#']) >= 0 || m.TopicPrefix.StartsWith('/') || m.TopicPrefix.EndsWith('/'))
            {
                errors.Add($"{at}:TopicPrefix '{m.TopicPrefix}' must be a topic without wildcards (+, #) or a leading or trailing '/', e.g. MTConnect.");
            }
            if (m.ClientId.Length > 0 && (m.ClientId.Length > 128 || m.ClientId.Any(char.IsControl)))
            {
                errors.Add($"{at}:ClientId must be at most 128 characters without control characters.");
            }
            else if (m.ClientId.Length > 0 && !clientIds.TryAdd(m.ClientId, at))
            {
                errors.Add($"{at}:ClientId '{m.ClientId}' is already the client id of {clientIds[m.ClientId]}: a broker disconnects the older of two clients with one id.");
            }
            if (m.Password.Length > 0 && m.Username.Length == 0)
            {
                errors.Add($"{at}:Password is set without a Username.");
            }
            if (!m.Topics.Equals("Documents", StringComparison.OrdinalIgnoreCase) && !m.Topics.Equals("Entities", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{at}:Topics '{m.Topics}' must be Documents (cppagent's MQTT sink) or Entities (its MQTT entity sink).");
            }
            for (var j = 0; j < m.Devices.Count; j++)
            {
                if (string.IsNullOrWhiteSpace(m.Devices[j]) || m.Devices[j].IndexOfAny(['+', '#', '/']) >= 0)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}:Devices:{j} '{m.Devices[j]}' must be a device uuid (no '/', '+' or '#')."));
                }
            }
            if (m.KeepAlive < TimeSpan.FromSeconds(1) || m.KeepAlive > TimeSpan.FromHours(18))
            {
                errors.Add($"{at}:KeepAlive must be 1 second to 18 hours.");
            }
            if (m.Timeout < TimeSpan.FromMilliseconds(100) || m.Timeout > TimeSpan.FromMinutes(5))
            {
                errors.Add($"{at}:Timeout must be 100 ms to 5 minutes.");
            }
            if (!string.IsNullOrWhiteSpace(m.Host) && !keys.TryAdd(MqttCollector.SourceKey(m), at))
            {
                errors.Add($"{at} reads the same broker and topic prefix as {keys[MqttCollector.SourceKey(m)]}; give each once (with Devices for several).");
            }
        }
    }
}
