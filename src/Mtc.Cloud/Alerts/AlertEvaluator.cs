using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Alerts;

/// <summary>What one evaluation changed.</summary>
internal sealed record AlertRound(int Opened, int Resolved);

/// <summary>
/// One evaluation of every tenant's rules: a subject whose condition holds gets an alert opened (if none is open), an open
/// alert whose condition no longer holds is resolved, and so is every open alert of a rule the tenant disabled. Safe to run
/// on several instances at once: the store opens and resolves each alert once.
/// </summary>
internal sealed class AlertEvaluator(ICloudStore store, ILogger<AlertEvaluator> log)
{
    public const string Cleared = "cleared";
    public const string RuleDisabled = "rule disabled";

    public async Task<AlertRound> EvaluateAsync(DateTimeOffset now, CancellationToken ct)
    {
        var opened = 0;
        var resolved = 0;
        foreach (var tenant in await store.ListAlertTenantsAsync(ct).ConfigureAwait(false))
        {
            try
            {
                var round = await EvaluateTenantAsync(tenant, now, ct).ConfigureAwait(false);
                opened += round.Opened;
                resolved += round.Resolved;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One tenant's failure (bad stored data, a lost connection) must not keep the others from their alerts.
                Log.AlertTenantFailed(log, tenant, e);
            }
        }
        return new AlertRound(opened, resolved);
    }

    public async Task<AlertRound> EvaluateTenantAsync(string tenant, DateTimeOffset now, CancellationToken ct)
    {
        var settings = AlertRules.Effective(await store.GetAlertSettingsAsync(tenant, ct).ConfigureAwait(false));
        var open = await store.ListOpenAlertsAsync(tenant, ct).ConfigureAwait(false);
        var reads = new TenantReads(store, tenant);
        var opened = 0;
        var resolved = 0;
        foreach (var (rule, enabled, threshold) in settings)
        {
            var openOfRule = open.Where(a => string.Equals(a.Rule, rule.Name, StringComparison.Ordinal)).ToList();
            var holding = enabled
                ? await AlertConditions.FindAsync(reads, tenant, rule, threshold, now, ct).ConfigureAwait(false)
                : [];
            var subjects = holding.Select(h => h.Subject).ToHashSet(StringComparer.Ordinal);
            foreach (var alert in openOfRule.Where(a => !subjects.Contains(a.Subject)))
            {
                if (await store.ResolveAlertAsync(tenant, alert.Id, enabled ? Cleared : RuleDisabled, now, ct).ConfigureAwait(false) is { } done)
                {
                    resolved++;
                    Log.AlertResolved(log, tenant, done.Rule, done.Subject, done.Id);
                }
            }
            var already = openOfRule.Select(a => a.Subject).ToHashSet(StringComparer.Ordinal);
            foreach (var condition in holding.Where(h => !already.Contains(h.Subject)))
            {
                if (await store.OpenAlertAsync(tenant, rule.Name, condition, now, ct).ConfigureAwait(false) is { } made)
                {
                    opened++;
                    Log.AlertOpened(log, tenant, made.Rule, made.Subject, made.Id);
                }
            }
        }
        return new AlertRound(opened, resolved);
    }
}
