using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Alerts;

/// <summary>One alert rule: its name in the API, what its threshold means, its default and the values a tenant may set.</summary>
internal sealed record AlertRule(string Name, string Summary, string Unit, double DefaultThreshold, double Min, double Max);

/// <summary>The rules the cloud evaluates, and a tenant's effective settings for them.</summary>
internal static class AlertRules
{
    public const string EdgeSilent = "edge_silent";
    public const string EdgeBacklog = "edge_backlog";
    public const string MachineAlarm = "machine_alarm";
    public const string MachineIdle = "machine_idle";
    public const string MachineOffline = "machine_offline";
    public const string DataGap = "data_gap";
    public const string SlowCycle = "slow_cycle";
    public const string NoParts = "no_parts";

    private const string Minutes = "minutes";
    private const double Week = 7 * 24 * 60;

    public static readonly IReadOnlyList<AlertRule> All =
    [
        new(EdgeSilent, "An edge sent nothing for more than the threshold", Minutes, 5, 0.01, Week),
        new(EdgeBacklog, "An edge delivers, but the newest observation time received lags now by more than the threshold", Minutes, 15, 0.01, Week),
        new(MachineAlarm, "A Fault alarm has been open for at least the threshold (0: as soon as it is seen); resolves when it clears", Minutes, 0, 0, Week),
        new(MachineIdle, "A machine has been IDLE for more than the threshold", Minutes, 30, 0.01, Week),
        new(MachineOffline, "A machine has been OFFLINE (unavailable) for more than the threshold", Minutes, 2, 0.01, Week),
        new(DataGap, "A data gap was recorded; resolves after the threshold passes without a new gap", Minutes, 10, 0.01, Week),
        new(SlowCycle, "A machine's latest cycle (running or ended) is longer than the threshold times its median cycle (needs 5 cycles)",
            "factor", 3, 1, 1000),
        new(NoParts, "A machine has been ACTIVE for more than the threshold without a part counted", Minutes, 30, 0.01, Week),
    ];

    /// <summary>Ended cycles a machine needs before the slow-cycle rule judges it, and how many of the latest its median covers.</summary>
    public const int SlowCycleMinimumCycles = 5;

    public const int SlowCycleWindow = 100;

    public static AlertRule? Find(string? name) => All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));

    /// <summary>Each rule's setting for a tenant: the stored one, or the rule's default (enabled).</summary>
    public static IReadOnlyList<(AlertRule Rule, bool Enabled, double Threshold)> Effective(IReadOnlyList<AlertSettingRow> stored) =>
        All.Select(rule => stored.FirstOrDefault(s => string.Equals(s.Rule, rule.Name, StringComparison.Ordinal)) is { } s
            ? (rule, s.Enabled, s.Threshold)
            : (rule, true, rule.DefaultThreshold)).ToList();
}
