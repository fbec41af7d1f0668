using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Webhooks;

/// <summary>
/// <c>/api/ext/webhooks</c>: subscriptions that receive notifications as signed HTTP POSTs, and their deliveries.
/// The signing secret is in the creation response only.
/// </summary>
internal static class WebhooksApi
{
    public sealed record CreateRequest(string? Url, IReadOnlyList<string>? EventTypes, string? Description);

    public sealed record WebhookItem(string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, DateTimeOffset Created);

    public sealed record WebhookCreated(string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, DateTimeOffset Created, string Secret);

    public sealed record WebhookPage(IReadOnlyList<WebhookItem> Items, string? NextCursor);

    public sealed record DeliveryItem(
        string Id, string NotificationId, string EventType, string Status, int Attempts, string? LastError, int? LastStatusCode,
        DateTimeOffset? NextAttempt, DateTimeOffset Created, DateTimeOffset? SentAt);

    public sealed record DeliveryPage(IReadOnlyList<DeliveryItem> Items, string? NextCursor);

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ext/webhooks").RequireAuthorization(Scopes.Admin).WithTags("Webhooks")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/", CreateAsync).WithName("CreateWebhook").WithSummary("Subscribe a URL to event types")
            .WithDescription("eventTypes are notification types (cycle, status, alarm, setup, gap, or an integrator's event type such as note), " +
                "or \"*\" for all. The response holds the signing secret: it is shown this once and never again. Deliveries are POSTs of " +
                "{id, type, tenant, machineId, occurred, data} with headers Webhook-Id (the same on every attempt: dedupe by it), " +
                "Webhook-Timestamp and Mtc-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>. " +
                "A 2xx answer is success; anything else is retried with exponential backoff for 24 h, then the delivery is err. " +
                "Private, loopback and link-local addresses are refused (unless Cloud:Webhooks:AllowPrivateNetworks).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListAsync).WithName("ListWebhooks").WithSummary("The tenant's webhook subscriptions (no secrets)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync).WithName("GetWebhook").WithSummary("One subscription (no secret)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteWebhook").WithSummary("Remove a subscription and its deliveries")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("A subscription's deliveries: pending, sent or err, with attempts and the last error")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverAsync).WithName("RedeliverWebhook")
            .WithSummary("Send a delivery again now (with a fresh retry window), e.g. one that is err")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Results<Created<WebhookCreated>, ProblemHttpResult>> CreateAsync(
        ClaimsPrincipal user, CreateRequest body, INotificationStore store, IOptions<WebhookOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await WebhookAddresses.CheckUrlAsync(body.Url, options.Value.AllowPrivateNetworks, ct).ConfigureAwait(false) is { } refused)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "webhook-url-refused", "The webhook URL cannot be used.", refused,
                new Dictionary<string, object?> { ["field"] = "url" });
        }
        if (CheckTypes(body.EventTypes) is { } badTypes)
        {
            return Problems.Invalid(badTypes, new Dictionary<string, object?> { ["field"] = "eventTypes" });
        }
        if (body.Description is { Length: > 500 } || QueryParsing.ControlCharacterAt(body.Description) >= 0)
        {
            return Problems.Invalid("description: at most 500 characters, without control characters.", new Dictionary<string, object?> { ["field"] = "description" });
        }
        var types = body.EventTypes!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var row = new WebhookRow("wh_" + Guid.CreateVersion7().ToString("n"), user.Tenant(), body.Url!, types, body.Description,
            WebhookSignature.NewSecret(), SqlCloudStore.Normalize(time.GetUtcNow()));
        await store.CreateWebhookAsync(row, ct).ConfigureAwait(false);
        return TypedResults.Created($"/api/ext/webhooks/{row.Id}", new WebhookCreated(row.Id, row.Url, row.EventTypes, row.Description, row.Created, row.Secret));
    }

    private static string? CheckTypes(IReadOnlyList<string>? types)
    {
        if (types is null || types.Count is 0 or > 50)
        {
            return "eventTypes must list 1-50 event types, or [\"*\"] for all.";
        }
        var bad = types.FirstOrDefault(t => t is null || t.Length is 0 or > 64 || QueryParsing.ControlCharacterAt(t) >= 0);
        return bad is null && types.All(t => t is not null) ? null : "each event type is 1-64 characters without control characters.";
    }

    internal static async Task<Results<Ok<WebhookPage>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, INotificationStore store, string? cursor,
        [Range(1, QueryParsing.MaxLimit), DefaultValue(QueryParsing.DefaultLimit)] int? limit, CancellationToken ct)
    {
        const string query = "webhooks";
        if (!QueryParsing.TryLimit(limit, QueryParsing.DefaultLimit, QueryParsing.MaxLimit, out var take, out var problem)
            || !QueryParsing.TryKeyCursor(cursor, query, out var after, out problem))
        {
            return problem!;
        }
        var rows = await store.ListWebhooksAsync(user.Tenant(), after, take + 1, ct).ConfigureAwait(false);
        var page = rows.Take(take).Select(ToItem).ToList();
        return TypedResults.Ok(new WebhookPage(page, rows.Count > take ? QueryParsing.EncodeKeyCursor(page[^1].Id, query) : null));
    }

    internal static async Task<Results<Ok<WebhookItem>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, INotificationStore store, CancellationToken ct) =>
        await store.GetWebhookAsync(user.Tenant(), id, ct).ConfigureAwait(false) is { } row
            ? TypedResults.Ok(ToItem(row))
            : Problems.NotFound("webhook", id);

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, INotificationStore store, CancellationToken ct) =>
        await store.DeleteWebhookAsync(user.Tenant(), id, ct).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : Problems.NotFound("webhook", id);

    internal static async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> DeliveriesAsync(
        string id, ClaimsPrincipal user, INotificationStore store, string? cursor,
        [Range(1, QueryParsing.MaxLimit), DefaultValue(QueryParsing.DefaultLimit)] int? limit, CancellationToken ct)
    {
        var query = "deliveries\n" + id;
        if (!QueryParsing.TryLimit(limit, QueryParsing.DefaultLimit, QueryParsing.MaxLimit, out var take, out var problem)
            || !QueryParsing.TryKeyCursor(cursor, query, out var afterKey, out problem))
        {
            return problem!;
        }
        long after = 0;
        if (afterKey is not null && !long.TryParse(afterKey, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return Problems.Invalid($"cursor: '{cursor}' is not a cursor this API gave out.", QueryParsing.Param("cursor"));
        }
        if (await store.GetWebhookAsync(user.Tenant(), id, ct).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("webhook", id);
        }
        var rows = await store.ListDeliveriesAsync(user.Tenant(), id, after, take + 1, ct).ConfigureAwait(false);
        var page = rows.Take(take).Select(ToItem).ToList();
        return TypedResults.Ok(new DeliveryPage(page, rows.Count > take ? QueryParsing.EncodeKeyCursor(page[^1].Id, query) : null));
    }

    internal static async Task<Results<Accepted<DeliveryItem>, ProblemHttpResult>> RedeliverAsync(
        string id, string deliveryId, ClaimsPrincipal user, INotificationStore store, TimeProvider time, CancellationToken ct)
    {
        if (!long.TryParse(deliveryId, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || await store.RedeliverAsync(user.Tenant(), id, number, time.GetUtcNow(), ct).ConfigureAwait(false) is not { } row)
        {
            return Problems.NotFound("delivery", deliveryId);
        }
        return TypedResults.Accepted($"/api/ext/webhooks/{id}/deliveries", ToItem(row));
    }

    private static WebhookItem ToItem(WebhookRow w) => new(w.Id, w.Url, w.EventTypes, w.Description, w.Created);

    private static DeliveryItem ToItem(DeliveryRow d) => new(
        d.Id.ToString(CultureInfo.InvariantCulture), d.NotificationId, d.EventType, d.Status, d.Attempts, d.LastError, d.LastStatusCode,
        d.NextAttempt, d.Created, d.SentAt);
}
