namespace Mtc.Cloud.Storage;

/// <summary>An alert as stored: open while <see cref="ResolvedAt"/> is null; the evidence is a JSON object taken when it opened.</summary>
internal sealed record AlertRow(
    long Id,
    string Rule,
    string Subject,
    string? MachineId,
    string? EdgeId,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    string? Resolution,
    string EvidenceJson);

/// <summary>
/// A rule's condition holding for one subject (an edge, a machine, one alarm of a machine) at evaluation time. The subject
/// names what the alert is about: one open alert per (tenant, rule, subject).
/// </summary>
internal sealed record AlertCondition(string Subject, string? MachineId, string? EdgeId, DateTimeOffset? Since, string EvidenceJson);

/// <summary>A tenant's stored setting for one rule (rules without a row use their defaults).</summary>
internal sealed record AlertSettingRow(string Rule, bool Enabled, double Threshold, DateTimeOffset UpdatedAt);

internal enum AlertState
{
    Any,
    Open,
    Resolved,
}

/// <summary>A page of alerts, newest opened first: those strictly before <see cref="Before"/> in (opened, id) order.</summary>
internal sealed record AlertQuery(AlertState State, string? MachineId, string? Rule, TimeCursor? Before, int Limit);

/// <summary>What the rules' queries read: the status of a machine's latest status interval and when it started.</summary>
internal sealed record MachineStatusRow(string MachineId, string? EdgeId, string Status, DateTimeOffset Since, DateTimeOffset? LastPartAt);

internal sealed record OpenAlarmRow(
    string MachineId, string? EdgeId, string EventId, DateTimeOffset Since, string? NativeCode, string? Message, string? DataItemId, string? Level);

internal sealed record EdgeContactRow(string EdgeId, DateTimeOffset LastContact, DateTimeOffset? NewestRecord);

internal sealed record GapSummaryRow(string? MachineId, string? EdgeId, long Gaps, long Missed, DateTimeOffset First, DateTimeOffset Last);

internal sealed record LatestCycleRow(
    string MachineId, string? EdgeId, string EventId, DateTimeOffset Start, DateTimeOffset? End, string? DataJson, double Median, long Cycles);
