using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Alerts;

/// <summary><c>/api/ext/alerts</c>: the alerts the rules opened and resolved, and the tenant's rule settings.</summary>
internal static partial class AlertsApi
{
    public sealed record AlertItem(
        long Id, string Rule, string State, string Subject, string? MachineId, string? EdgeId, DateTimeOffset OpenedAt,
        DateTimeOffset? ResolvedAt, string? Resolution, JsonElement? Evidence);

    public sealed record AlertPage(IReadOnlyList<AlertItem> Items, string? NextCursor);

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ext/alerts").WithTags("Alerts");
        group.MapGet("/", ListAsync).RequireAuthorization(Scopes.ExtRead).WithName("ListAlerts")
            .WithSummary("Alerts, newest opened first")
            .WithDescription("Filter by state (open, resolved), machineId and rule; pass the nextCursor of a page to get the next, older " +
                "page (null when there is none). Each alert keeps the evidence taken when it opened.");
        group.MapGet("/{id}", GetAsync).RequireAuthorization(Scopes.ExtRead).WithName("GetAlert").WithSummary("One alert and its evidence");
        group.MapGet("/settings", GetSettingsAsync).RequireAuthorization(Scopes.Admin).WithName("GetAlertSettings")
            .WithSummary("Every alert rule: enabled, threshold, unit and default");
        group.MapPut("/settings", PutSettingsAsync).RequireAuthorization(Scopes.Admin).WithName("PutAlertSettings")
            .WithSummary("Change rules' enabled state and thresholds")
            .WithDescription("Body {\"rules\": [{\"rule\": \"machine_idle\", \"enabled\": true, \"threshold\": 20}]}; rules not named, and " +
                "fields left out, keep their settings. Takes effect at the next evaluation; disabling a rule resolves its open alerts.")
            .Accepts<SettingsUpdate>("application/json")
            .Produces<RuleSettings>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    internal static async Task<Results<Ok<AlertPage>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, ICloudStore store, string? state, string? machineId, string? rule,
        [Range(1, QueryParsing.MaxLimit), DefaultValue(QueryParsing.DefaultLimit)] int? limit, string? cursor, CancellationToken ct)
    {
        var which = state switch
        {
            null or "" => AlertState.Any,
            "open" => AlertState.Open,
            "resolved" => AlertState.Resolved,
            _ => (AlertState?)null,
        };
        if (which is null)
        {
            return Problems.Invalid($"state: '{state}' is not open or resolved.", QueryParsing.Param("state"));
        }
        if (!string.IsNullOrEmpty(rule) && AlertRules.Find(rule) is null)
        {
            return Problems.Invalid($"rule: '{rule}' is not a rule ({RuleNames}).", QueryParsing.Param("rule"));
        }
        var query = string.Join('\n', "alerts", which.Value, machineId ?? "", rule ?? "");
        if (!QueryParsing.TryLimit(limit, QueryParsing.DefaultLimit, QueryParsing.MaxLimit, out var take, out var problem)
            || !QueryParsing.TryCursor(cursor, query, out var before, out problem))
        {
            return problem!;
        }
        var rows = await store.GetAlertsAsync(user.Tenant(),
            new AlertQuery(which.Value, string.IsNullOrEmpty(machineId) ? null : machineId, string.IsNullOrEmpty(rule) ? null : rule, before, take + 1), ct)
            .ConfigureAwait(false);
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? QueryParsing.EncodeCursor(page[^1].OpenedAt, page[^1].Id, query) : null;
        return TypedResults.Ok(new AlertPage(page.Select(ToItem).ToList(), next));
    }

    internal static async Task<Results<Ok<AlertItem>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, ICloudStore store, CancellationToken ct)
    {
        if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && await store.GetAlertAsync(user.Tenant(), n, ct).ConfigureAwait(false) is { } alert)
        {
            return TypedResults.Ok(ToItem(alert));
        }
        return Problems.NotFound("alert", id);
    }

    private static string RuleNames => string.Join(", ", AlertRules.All.Select(r => r.Name));

    private static AlertItem ToItem(AlertRow a) => new(
        a.Id, a.Rule, a.ResolvedAt is null ? "open" : "resolved", a.Subject, a.MachineId, a.EdgeId, a.OpenedAt, a.ResolvedAt, a.Resolution,
        CloudJson.Element(a.EvidenceJson));
}
