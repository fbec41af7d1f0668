using System.ComponentModel.DataAnnotations;

namespace Mtc.Cloud.Alerts;

/// <summary>Settings of the alert evaluation (configuration section <c>Alerts</c>, e.g. <c>Alerts__EvaluationSeconds</c>).</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Whether this instance evaluates the rules (every instance may: the store keeps one open alert per subject).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between two evaluations of every tenant's rules.</summary>
    [Range(0.1, 86400)]
    public double EvaluationSeconds { get; set; } = 15;
}
