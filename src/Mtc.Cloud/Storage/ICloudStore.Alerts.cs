namespace Mtc.Cloud.Storage;

/// <summary>Alerts, their settings, and the set-based reads the alert rules evaluate (one query per rule per tenant).</summary>
internal partial interface ICloudStore
{
    /// <summary>Tenants that have an edge, a machine or an open alert: the ones the rules run for.</summary>
    Task<IReadOnlyList<string>> ListAlertTenantsAsync(CancellationToken ct);

    Task<IReadOnlyList<AlertSettingRow>> GetAlertSettingsAsync(string tenant, CancellationToken ct);

    /// <summary>Stores the given rules' settings (insert or replace), in one transaction.</summary>
    Task SaveAlertSettingsAsync(string tenant, IReadOnlyList<AlertSettingRow> settings, CancellationToken ct);

    Task<IReadOnlyList<AlertRow>> ListOpenAlertsAsync(string tenant, CancellationToken ct);

    /// <summary>
    /// Opens an alert for the condition's subject in one transaction, unless one is open already (then null: another
    /// instance or an earlier round opened it).
    /// </summary>
    Task<AlertRow?> OpenAlertAsync(string tenant, string rule, AlertCondition condition, DateTimeOffset now, CancellationToken ct);

    /// <summary>Resolves an open alert in one transaction; null when it was resolved already.</summary>
    Task<AlertRow?> ResolveAlertAsync(string tenant, long id, string resolution, DateTimeOffset now, CancellationToken ct);

    Task<IReadOnlyList<AlertRow>> GetAlertsAsync(string tenant, AlertQuery query, CancellationToken ct);

    Task<AlertRow?> GetAlertAsync(string tenant, long id, CancellationToken ct);

    /// <summary>Edges whose last contact (any batch on any stream) is known, with the newest observation time received from their machines.</summary>
    Task<IReadOnlyList<EdgeContactRow>> GetEdgeContactsAsync(string tenant, CancellationToken ct);

    /// <summary>Every machine's latest status interval (the one the edge derived last), with the start of its latest part count.</summary>
    Task<IReadOnlyList<MachineStatusRow>> GetMachineStatusesAsync(string tenant, CancellationToken ct);

    /// <summary>Fault alarms still open (not ended), started before <paramref name="startedBefore"/>.</summary>
    Task<IReadOnlyList<OpenAlarmRow>> GetOpenFaultsAsync(string tenant, DateTimeOffset startedBefore, CancellationToken ct);

    /// <summary>Gaps stored after <paramref name="after"/>, per machine (or per edge for gaps that name no one machine).</summary>
    Task<IReadOnlyList<GapSummaryRow>> GetRecentGapsAsync(string tenant, DateTimeOffset after, CancellationToken ct);

    /// <summary>
    /// Per machine with at least <paramref name="minCycles"/> ended cycles: its latest cycle event (running or ended) and the
    /// median duration of its latest <paramref name="window"/> ended cycles.
    /// </summary>
    Task<IReadOnlyList<LatestCycleRow>> GetLatestCyclesAsync(string tenant, int minCycles, int window, CancellationToken ct);
}
