using System.ComponentModel.DataAnnotations;

namespace Mtc.Cloud.Bus;

/// <summary>Settings every broker sink shares (configuration section <c>Cloud:Bus</c>).</summary>
public sealed class BusOptions
{
    public const string Section = "Cloud:Bus";

    /// <summary>Deliveries a sink's worker takes per round; they are published concurrently and acknowledged one by one.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 64;

    /// <summary>The longest wait before a failed message or a failed connection is tried again (backoff doubles up to it).</summary>
    [Range(0.1, 3600)]
    public double RetryMaxSeconds { get; set; } = 30;

    /// <summary>How long one connection attempt or one publish may wait for the broker.</summary>
    [Range(0.1, 600)]
    public double TimeoutSeconds { get; set; } = 10;
}

/// <summary>The MQTT Unified Namespace sink (<c>Cloud:Bus:Mqtt</c>).</summary>
public sealed class MqttBusOptions
{
    public const string Section = "Cloud:Bus:Mqtt";

    /// <summary>Publishes every notification to the MQTT broker as a Unified Namespace (docs/bus.md).</summary>
    public bool Enabled { get; set; }

    /// <summary>The broker's host name or address.</summary>
    [Required]
    public string Host { get; set; } = "localhost";

    /// <summary>The broker's port (1883; 8883 is usual with TLS).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>
    /// The client id of the cloud's connection, and the last level of its presence topic; empty means <c>mtc-cloud-</c>, this
    /// computer's name and the process id, unique per process (a broker drops the older of two connections with one id). Set it,
    /// one per process, for a presence topic that stays the same across restarts.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>User name for the broker; none when empty.</summary>
    public string? Username { get; set; }

    /// <summary>Password for the broker; set it by environment: <c>Cloud__Bus__Mqtt__Password</c>.</summary>
    public string? Password { get; set; }

    /// <summary>TLS to the broker (the system's trusted certificates).</summary>
    public bool Tls { get; set; }

    /// <summary>The first three levels of every topic: <c>enterprise/site/area/machine/...</c>.</summary>
    [Required]
    public string Enterprise { get; set; } = "mtc";

    /// <summary>The second topic level (the site).</summary>
    [Required]
    public string Site { get; set; } = "site";

    /// <summary>The third topic level (the area).</summary>
    [Required]
    public string Area { get; set; } = "area";

    /// <summary>1 (at least once, PUBACK) or 2 (exactly once to the broker, PUBCOMP); a message is marked sent after it.</summary>
    [Range(1, 2)]
    public int Qos { get; set; } = 1;

    public string EffectiveClientId => string.IsNullOrWhiteSpace(ClientId)
        ? $"mtc-cloud-{Environment.MachineName}-{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : ClientId;
}

/// <summary>The NATS JetStream sink (<c>Cloud:Bus:Nats</c>).</summary>
public sealed class NatsBusOptions
{
    public const string Section = "Cloud:Bus:Nats";

    /// <summary>Publishes every notification to NATS JetStream, with <c>Nats-Msg-Id</c> = the event id (docs/bus.md).</summary>
    public bool Enabled { get; set; }

    /// <summary>The server, e.g. <c>nats://user:password@host:4222</c>.</summary>
    [Required]
    public string Url { get; set; } = "nats://localhost:4222";

    /// <summary>The stream created (or updated) on connect, over subjects <c>&lt;SubjectPrefix&gt;.&gt;</c>.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9_-]+$", ErrorMessage = "Cloud:Bus:Nats:Stream may hold letters, digits, '-' and '_' only.")]
    public string Stream { get; set; } = "MTC";

    /// <summary>The first subject tokens: <c>prefix.machine.events.type</c>.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$",
        ErrorMessage = "Cloud:Bus:Nats:SubjectPrefix is one or more dot-separated tokens of letters, digits, '-' and '_'.")]
    public string SubjectPrefix { get; set; } = "mtc";

    /// <summary>The stream's duplicate window: a message id seen within it is stored once. Keep it above Cloud:Worker:LeaseSeconds.</summary>
    [Range(1, 86400)]
    public double DuplicateWindowSeconds { get; set; } = 600;
}
