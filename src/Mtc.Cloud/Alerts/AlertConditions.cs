using System.Text.Json;
using System.Text.Json.Nodes;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Alerts;

/// <summary>
/// Each rule as the set of subjects it holds for now, with the evidence an alert keeps. One store query per rule and tenant;
/// the thresholds are applied to its rows here.
/// </summary>
internal static class AlertConditions
{
    public static async Task<IReadOnlyList<AlertCondition>> FindAsync(
        TenantReads store, string tenant, AlertRule rule, double threshold, DateTimeOffset now, CancellationToken ct)
    {
        var limit = TimeSpan.FromMinutes(threshold);
        return rule.Name switch
        {
            AlertRules.EdgeSilent => (await store.GetEdgeContactsAsync(tenant, ct).ConfigureAwait(false))
                .Where(e => now - e.LastContact > limit)
                .Select(e => Edge(e.EdgeId, e.LastContact, new JsonObject
                {
                    ["edgeId"] = e.EdgeId, ["lastContact"] = e.LastContact, ["silentMinutes"] = Minutes(now - e.LastContact),
                }))
                .ToList(),
            AlertRules.EdgeBacklog => (await store.GetEdgeContactsAsync(tenant, ct).ConfigureAwait(false))
                // An edge that sends nothing is silent, not behind: backlog is old data still arriving.
                .Where(e => e.NewestRecord is { } newest && now - newest > limit && now - e.LastContact <= limit)
                .Select(e => Edge(e.EdgeId, e.NewestRecord, new JsonObject
                {
                    ["edgeId"] = e.EdgeId, ["lastContact"] = e.LastContact, ["newestRecord"] = e.NewestRecord,
                    ["lagMinutes"] = Minutes(now - e.NewestRecord!.Value),
                }))
                .ToList(),
            AlertRules.MachineAlarm => (await store.Store.GetOpenFaultsAsync(tenant, now - limit, ct).ConfigureAwait(false))
                .Select(a => new AlertCondition($"{a.MachineId}/{a.EventId}", a.MachineId, a.EdgeId, a.Since, Json(new JsonObject
                {
                    ["alarmId"] = a.EventId, ["nativeCode"] = a.NativeCode, ["level"] = a.Level, ["message"] = a.Message,
                    ["dataItemId"] = a.DataItemId, ["since"] = a.Since,
                })))
                .ToList(),
            AlertRules.MachineIdle => await StatusAsync(store, tenant, now, ct, s =>
                IsStatus(s, "IDLE") && ShiftFilter.WorkingMinutes(tenant, s.Since, now) > threshold).ConfigureAwait(false),
            AlertRules.MachineOffline => await StatusAsync(store, tenant, now, ct, s =>
                (IsStatus(s, "OFFLINE") || IsStatus(s, "UNAVAILABLE")) && now - s.Since > limit).ConfigureAwait(false),
            AlertRules.NoParts => (await store.GetMachineStatusesAsync(tenant, ct).ConfigureAwait(false))
                .Where(s => IsStatus(s, "ACTIVE") && now - Latest(s.Since, s.LastPartAt) > limit)
                .Select(s => Machine(s.MachineId, s.EdgeId, s.Since, new JsonObject
                {
                    ["activeSince"] = s.Since, ["lastPartAt"] = s.LastPartAt, ["minutesWithoutPart"] = Minutes(now - Latest(s.Since, s.LastPartAt)),
                }))
                .ToList(),
            AlertRules.DataGap => (await store.Store.GetRecentGapsAsync(tenant, now - limit, ct).ConfigureAwait(false))
                .Select(g => new AlertCondition(g.MachineId ?? "edge:" + g.EdgeId, g.MachineId, g.EdgeId, g.First, Json(new JsonObject
                {
                    ["gaps"] = g.Gaps, ["missed"] = g.Missed, ["firstGapAt"] = g.First, ["lastGapAt"] = g.Last, ["edgeId"] = g.EdgeId,
                })))
                .ToList(),
            AlertRules.SlowCycle => (await store.Store.GetLatestCyclesAsync(tenant, AlertRules.SlowCycleMinimumCycles, AlertRules.SlowCycleWindow, ct)
                    .ConfigureAwait(false))
                .Select(c => (Cycle: c, Seconds: CycleSeconds(c, now)))
                .Where(x => x.Seconds > threshold * x.Cycle.Median)
                .Select(x => new AlertCondition($"{x.Cycle.MachineId}/{x.Cycle.EventId}", x.Cycle.MachineId, x.Cycle.EdgeId, x.Cycle.Start, Json(new JsonObject
                {
                    ["cycleId"] = x.Cycle.EventId, ["start"] = x.Cycle.Start, ["end"] = x.Cycle.End, ["running"] = x.Cycle.End is null,
                    ["durationSeconds"] = Math.Round(x.Seconds, 3), ["medianSeconds"] = Math.Round(x.Cycle.Median, 3), ["factor"] = threshold,
                    ["cycles"] = x.Cycle.Cycles,
                })))
                .ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Name, "not a rule"),
        };
    }

    private static async Task<IReadOnlyList<AlertCondition>> StatusAsync(
        TenantReads store, string tenant, DateTimeOffset now, CancellationToken ct, Func<MachineStatusRow, bool> holds) =>
        (await store.GetMachineStatusesAsync(tenant, ct).ConfigureAwait(false))
            .Where(holds)
            .Select(s => Machine(s.MachineId, s.EdgeId, s.Since, new JsonObject
            {
                ["status"] = s.Status, ["since"] = s.Since, ["minutes"] = Minutes(now - s.Since),
            }))
            .ToList();

    private static bool IsStatus(MachineStatusRow s, string status) => string.Equals(s.Status, status, StringComparison.OrdinalIgnoreCase);

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset? b) => b is { } x && x > a ? x : a;

    /// <summary>A running cycle counts up to now; an ended one has the duration the edge measured.</summary>
    private static double CycleSeconds(LatestCycleRow c, DateTimeOffset now)
    {
        if (c.End is not { } end)
        {
            return (now - c.Start).TotalSeconds;
        }
        return CloudJson.Element(c.DataJson) is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("durationSeconds", out var v)
            && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (end - c.Start).TotalSeconds;
    }

    private static double Minutes(TimeSpan span) => Math.Round(span.TotalMinutes, 2);

    private static AlertCondition Edge(string edgeId, DateTimeOffset? since, JsonObject evidence) =>
        new(edgeId, null, edgeId, since, Json(evidence));

    private static AlertCondition Machine(string machineId, string? edgeId, DateTimeOffset since, JsonObject evidence) =>
        new(machineId, machineId, edgeId, since, Json(evidence));

    private static string Json(JsonObject evidence) => evidence.ToJsonString(CloudJson.Options);
}
