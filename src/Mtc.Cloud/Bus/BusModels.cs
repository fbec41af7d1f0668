namespace Mtc.Cloud.Bus;

/// <summary>A leased broker delivery: the notification to publish, and the lease that fences its result.</summary>
internal sealed record BusDelivery(
    long Id, long Seq, string Tenant, string NotificationId, string Type, string? MachineId, DateTimeOffset Occurred,
    string? PayloadJson, int Attempts, DateTimeOffset Created, DateTimeOffset LeaseUntil);

/// <summary>One attempt's outcome: sent, or pending again from <see cref="NextAttempt"/> with the broker's error.</summary>
internal sealed record BusAttempt(bool Sent, string? Error, DateTimeOffset Now, DateTimeOffset NextAttempt);
