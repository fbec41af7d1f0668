using System.ComponentModel.DataAnnotations;

namespace Mtc.Cloud.Hosting;

/// <summary>Settings of the cloud host (configuration section <c>Cloud</c>, e.g. <c>Cloud__RateLimitPerSecond</c>).</summary>
public sealed class CloudOptions
{
    public const string Section = "Cloud";

    /// <summary>Largest request body as sent (compressed or not).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest body after gzip decompression (a zip bomb stops here).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxDecompressedBytes { get; set; } = 128 * 1024 * 1024;

    /// <summary>Most records one ingest batch may hold; a larger batch is refused (400 invalid-request), which the edge quarantines.</summary>
    [Range(1, 1_000_000)]
    public int MaxRecordsPerBatch { get; set; } = 100_000;

    /// <summary>Requests per second per API key (token bucket refill).</summary>
    [Range(1, 1_000_000)]
    public int RateLimitPerSecond { get; set; } = 200;

    /// <summary>Requests a key may make at once before the refill rate applies.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitBurst { get; set; } = 400;

    /// <summary>How long a verified key stays cached; a revocation takes effect within this time.</summary>
    [Range(0, 3600)]
    public int KeyCacheSeconds { get; set; } = 10;

    /// <summary>Days of raw observations kept; 0 keeps them all.</summary>
    [Range(0, 36500)]
    public int ObservationRetentionDays { get; set; }

    /// <summary>How long idempotency keys are remembered.</summary>
    [Range(1, 24 * 365)]
    public int IdempotencyKeyHours { get; set; } = 24;

    /// <summary>
    /// How long a request may hold an idempotency key without a response; after that the claim is taken to belong to a
    /// request that died (process killed) and one retry takes it over. Keep it well above the longest request.
    /// </summary>
    [Range(1, 24 * 3600)]
    public int IdempotencyInFlightLeaseSeconds { get; set; } = 60;
}
