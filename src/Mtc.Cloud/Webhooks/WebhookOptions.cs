using System.ComponentModel.DataAnnotations;

namespace Mtc.Cloud.Webhooks;

/// <summary>Settings of webhook delivery (configuration section <c>Cloud:Webhooks</c>, e.g. <c>Cloud__Webhooks__TimeoutSeconds</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Cloud:Webhooks";

    /// <summary>
    /// Lets subscriptions point at private, loopback and link-local addresses. Off by default so that a key holder cannot
    /// make the cloud call into the network it runs in.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one delivery attempt may take (connect, send, answer).</summary>
    [Range(0.1, 300)]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The first retry's largest delay; each failure doubles it (full jitter: the delay is random below it).</summary>
    [Range(0.01, 86400)]
    public double RetryBaseSeconds { get; set; } = 5;

    /// <summary>The largest delay between two attempts.</summary>
    [Range(0.01, 86400)]
    public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>How long a delivery is retried after it was queued; then it is <c>err</c> (and can be redelivered).</summary>
    [Range(0.01, 30 * 86400)]
    public double RetryWindowSeconds { get; set; } = 86400;
}
