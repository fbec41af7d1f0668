using System.ComponentModel.DataAnnotations;

namespace Mtc.Cloud.Observability;

/// <summary>Health and metrics settings (configuration section <c>Cloud</c>, e.g. <c>Cloud__MetricsKey</c>).</summary>
public sealed class ObservabilityOptions
{
    public const string Section = Hosting.CloudOptions.Section;

    /// <summary>Whether <c>/metrics</c> is served at all.</summary>
    public bool MetricsEnabled { get; set; } = true;

    /// <summary>When set, <c>/metrics</c> answers only requests that send it as <c>Authorization: Bearer</c>; anonymous when empty.</summary>
    [MaxLength(512)]
    public string? MetricsKey { get; set; }

    /// <summary>How often the per-edge gauges are read from the database (one query for all edges).</summary>
    [Range(1, 3600)]
    public int MetricsRefreshSeconds { get; set; } = 5;

    /// <summary>How long <c>/health/ready</c> waits for the database's answer before it reports 503.</summary>
    [Range(1, 60)]
    public int ReadyTimeoutSeconds { get; set; } = 2;

    /// <summary>The <c>Retry-After</c> of a 503 answered while the database is unavailable.</summary>
    [Range(1, 3600)]
    public int DatabaseRetryAfterSeconds { get; set; } = 5;
}
