using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Alerts;

// The tenant's rule settings: read all, change some.
internal static partial class AlertsApi
{
    public sealed record RuleSetting(
        string Rule, bool Enabled, double Threshold, string Unit, double DefaultThreshold, double MinThreshold, double MaxThreshold, string Summary);

    public sealed record RuleSettings(IReadOnlyList<RuleSetting> Rules);

    public sealed record RuleUpdate(string Rule, bool? Enabled, double? Threshold);

    public sealed record SettingsUpdate(IReadOnlyList<RuleUpdate> Rules);

    internal static async Task<Ok<RuleSettings>> GetSettingsAsync(ClaimsPrincipal user, ICloudStore store, CancellationToken ct) =>
        TypedResults.Ok(await SettingsAsync(store, user.Tenant(), ct).ConfigureAwait(false));

    internal static async Task<Results<Ok<RuleSettings>, ProblemHttpResult>> PutSettingsAsync(
        HttpRequest request, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        var tenant = request.HttpContext.User.Tenant();
        List<RuleUpdate> updates;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
            if (Parse(doc.RootElement, out var parsed) is { } problem)
            {
                return problem;
            }
            updates = parsed!;
        }
        catch (JsonException e)
        {
            return Problems.InvalidJson(e);
        }
        var current = AlertRules.Effective(await store.GetAlertSettingsAsync(tenant, ct).ConfigureAwait(false));
        var now = time.GetUtcNow();
        var rows = updates.Select(u =>
        {
            var (rule, enabled, threshold) = current.Single(c => string.Equals(c.Rule.Name, u.Rule, StringComparison.Ordinal));
            return new AlertSettingRow(rule.Name, u.Enabled ?? enabled, u.Threshold ?? threshold, now);
        }).ToList();
        if (rows.Count > 0)
        {
            await store.SaveAlertSettingsAsync(tenant, rows, ct).ConfigureAwait(false);
        }
        return TypedResults.Ok(await SettingsAsync(store, tenant, ct).ConfigureAwait(false));
    }

    private static async Task<RuleSettings> SettingsAsync(ICloudStore store, string tenant, CancellationToken ct) =>
        new(AlertRules.Effective(await store.GetAlertSettingsAsync(tenant, ct).ConfigureAwait(false))
            .Select(s => new RuleSetting(s.Rule.Name, s.Enabled, s.Threshold, s.Rule.Unit, s.Rule.DefaultThreshold, s.Rule.Min, s.Rule.Max, s.Rule.Summary))
            .ToList());

    /// <summary>Checks every update before any is stored, so a bad one changes nothing; each problem names its field.</summary>
    internal static ProblemHttpResult? Parse(JsonElement root, out List<RuleUpdate>? updates)
    {
        updates = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
        {
            return Problems.Invalid("The body must be an object with a \"rules\" array.", Problems.Field("rules"));
        }
        var list = new List<RuleUpdate>();
        var i = 0;
        foreach (var item in rules.EnumerateArray())
        {
            var at = $"rules[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                return Problems.Invalid($"{at} must be an object.", Problems.Field(at));
            }
            var name = item.TryGetProperty("rule", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (AlertRules.Find(name) is not { } rule)
            {
                return Problems.Invalid($"{at}.rule: '{name}' is not a rule ({RuleNames}).", Problems.Field(at + ".rule"));
            }
            if (list.Exists(u => u.Rule == rule.Name))
            {
                return Problems.Invalid($"{at}.rule: {rule.Name} is named twice.", Problems.Field(at + ".rule"));
            }
            bool? enabled = null;
            if (item.TryGetProperty("enabled", out var e) && e.ValueKind != JsonValueKind.Null)
            {
                if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return Problems.Invalid($"{at}.enabled must be true or false.", Problems.Field(at + ".enabled"));
                }
                enabled = e.GetBoolean();
            }
            double? threshold = null;
            if (item.TryGetProperty("threshold", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out var value) || value < rule.Min || value > rule.Max)
                {
                    return Problems.Invalid($"{at}.threshold: {rule.Name} takes {rule.Unit} from {rule.Min} to {rule.Max}, not {t.GetRawText()}.",
                        Problems.Field(at + ".threshold"));
                }
                threshold = value;
            }
            list.Add(new RuleUpdate(rule.Name, enabled, threshold));
        }
        updates = list;
        return null;
    }

}
