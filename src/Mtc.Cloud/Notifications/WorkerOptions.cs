using System.ComponentModel.DataAnnotations;

namespace Mtc.Cloud.Notifications;

/// <summary>Settings of the notification worker (configuration section <c>Cloud:Worker</c>, e.g. <c>Cloud__Worker__Enabled</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Cloud:Worker";

    /// <summary>Runs the worker inside <c>mtc cloud</c>; turn it off when <c>mtc worker</c> processes do the delivering.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an idle worker looks for work other processes queued (its own process wakes it at once).</summary>
    [Range(0.01, 60)]
    public double PollIntervalSeconds { get; set; } = 0.5;

    /// <summary>Notifications fanned out, and deliveries taken, per round (a round's deliveries are sent concurrently).</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// How long a taken delivery belongs to its worker; when that worker dies, another takes the delivery after this time.
    /// Must be longer than <c>Cloud:Webhooks:TimeoutSeconds</c>.
    /// </summary>
    [Range(1, 86400)]
    public double LeaseSeconds { get; set; } = 60;

    /// <summary>Days sent deliveries (and notifications with no delivery left) are kept for the deliveries list; 0 keeps them all.</summary>
    [Range(0, 36500)]
    public int KeepDays { get; set; } = 7;
}
