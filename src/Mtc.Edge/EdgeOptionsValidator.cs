using System.Globalization;

namespace Mtc.Edge;

/// <summary>Checks <see cref="EdgeOptions"/> at start; every problem is one line naming the setting.</summary>
public static class EdgeOptionsValidator
{
    public static IReadOnlyList<string> Validate(EdgeOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Id) || o.Id.Length > 128 || o.Id.Any(char.IsControl))
        {
            errors.Add("Edge:Id is required: 1-128 characters without control characters.");
        }
        if (string.IsNullOrWhiteSpace(o.DataDirectory))
        {
            errors.Add("Edge:DataDirectory is required: the outbox must live on disk.");
        }
        else if (o.DataDirectory.Contains(":memory:", StringComparison.OrdinalIgnoreCase)
            || o.DataDirectory.Contains("mode=memory", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Edge:DataDirectory '{o.DataDirectory}' is in memory: the outbox would lose everything on restart; give a directory on disk.");
        }
        ValidateCloud(o.Cloud, errors);
        for (var i = 0; i < o.Agents.Count; i++)
        {
            ValidateAgent(o.Agents[i], $"Edge:Agents:{i}", errors);
        }
        for (var i = 0; i < o.Adapters.Count; i++)
        {
            ValidateAdapter(o.Adapters[i], $"Edge:Adapters:{i}", errors);
        }
        Collectors.Modbus.CounterOptionsValidator.Validate(o.Counters, errors);
        Collectors.Mqtt.MqttOptionsValidator.Validate(o.Mqtt, errors);
        if (o.Outbox.MaxBytes < 1L << 20)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Edge:Outbox:MaxBytes {o.Outbox.MaxBytes} is below the minimum of 1048576 (1 MiB)."));
        }
        if (o.MaxDocumentBytes is < 64 * 1024 or > 1L << 30)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Edge:MaxDocumentBytes {o.MaxDocumentBytes} must be 65536 (64 KiB) to 1073741824 (1 GiB)."));
        }
        var sync = o.Outbox.Synchronous.ToUpperInvariant();
        if (sync is "OFF" or "0")
        {
            errors.Add("Edge:Outbox:Synchronous OFF is refused: a crash could corrupt or lose acknowledged records; use FULL or NORMAL.");
        }
        else if (sync is not ("FULL" or "NORMAL" or "EXTRA"))
        {
            errors.Add($"Edge:Outbox:Synchronous '{o.Outbox.Synchronous}' is not one of FULL, NORMAL, EXTRA.");
        }
        foreach (var url in o.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsHttpUrl(url))
            {
                errors.Add($"Edge:Http:Urls '{url}' is not an http(s) URL.");
            }
        }
        return errors;
    }

    private static void ValidateCloud(CloudOptions c, List<string> errors)
    {
        if (c.Url.Length > 0 && !IsHttpUrl(c.Url))
        {
            errors.Add($"Edge:Cloud:Url '{c.Url}' is not an http(s) URL.");
        }
        if (c.Url.Length > 0 && string.IsNullOrWhiteSpace(c.ApiKey))
        {
            errors.Add("Edge:Cloud:ApiKey is required when Edge:Cloud:Url is set (set it by environment: Edge__Cloud__ApiKey).");
        }
        if (c.BatchMaxRecords is < 1 or > 100_000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Edge:Cloud:BatchMaxRecords {c.BatchMaxRecords} must be 1-100000."));
        }
        if (c.BatchesInFlight is < 1 or > 16)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Edge:Cloud:BatchesInFlight {c.BatchesInFlight} must be 1-16."));
        }
        if (c.BatchMaxBytes < 4096)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Edge:Cloud:BatchMaxBytes {c.BatchMaxBytes} must be at least 4096."));
        }
        if (c.Timeout <= TimeSpan.Zero)
        {
            errors.Add("Edge:Cloud:Timeout must be positive.");
        }
        if (c.MaxBackoff < TimeSpan.FromSeconds(1))
        {
            errors.Add("Edge:Cloud:MaxBackoff must be at least one second.");
        }
        if (c.Heartbeat < TimeSpan.Zero || (c.Heartbeat > TimeSpan.Zero && c.Heartbeat < TimeSpan.FromSeconds(1)))
        {
            errors.Add("Edge:Cloud:Heartbeat must be zero (off) or at least one second.");
        }
    }

    private static void ValidateAgent(AgentSourceOptions a, string at, List<string> errors)
    {
        if (!IsHttpUrl(a.Url))
        {
            errors.Add($"{at}:Url '{a.Url}' is not an http(s) URL.");
        }
        if (a.Interval < TimeSpan.Zero)
        {
            errors.Add($"{at}:Interval must not be negative.");
        }
        if (a.PollInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"{at}:PollInterval must be at least 100 ms.");
        }
        if (a.Heartbeat < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"{at}:Heartbeat must be at least 100 ms.");
        }
        if (a.Count is < 1 or > 1_000_000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}:Count {a.Count} must be 1-1000000."));
        }
        if (a.RequestTimeout < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"{at}:RequestTimeout must be at least 100 ms.");
        }
    }

    private static void ValidateAdapter(AdapterSourceOptions a, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(a.Host))
        {
            errors.Add($"{at}:Host is required.");
        }
        if (a.Port is < 1 or > 65535)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}:Port {a.Port} must be 1-65535."));
        }
        if (string.IsNullOrWhiteSpace(a.Devices))
        {
            errors.Add($"{at}:Devices is required: a Devices.xml that maps the adapter's keys.");
        }
        else if (!File.Exists(a.Devices))
        {
            errors.Add($"{at}:Devices '{a.Devices}' does not exist.");
        }
        if (a.Timeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{at}:Timeout must be at least one second.");
        }
        if (a.UnavailableAfter < TimeSpan.Zero)
        {
            errors.Add($"{at}:UnavailableAfter must not be negative.");
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
