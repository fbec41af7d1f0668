using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Machines;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Events;

/// <summary><c>POST /api/ext/event</c>: an integrator's event, exactly once per Idempotency-Key.</summary>
internal static class ExternalEventApi
{
    public const string Route = "/api/ext/event";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public sealed record EventRequest(string MachineId, string Type, DateTimeOffset? Timestamp, JsonElement? Data);

    public sealed record EventReceived(string Id, string Status);

    public static IEndpointRouteBuilder MapExternalEventApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, PostAsync)
            .RequireAuthorization(Scopes.ExtWrite)
            .WithName("PostEvent")
            .WithTags("Events")
            .WithSummary("Record an integrator's event for a machine")
            .WithDescription("Requires an Idempotency-Key header. The same key and body answer the stored response again with " +
                "Idempotent-Replayed: true; the same key with another body, or while the first request runs, answers 409 (the latter with " +
                "Retry-After). A request that fails frees its key; a key whose request died unanswered is taken over by one retry once its " +
                "lease (Cloud:IdempotencyInFlightLeaseSeconds, 60 s) has passed. Keys are kept 24 h. " +
                "The older shape {machineId, eventType, timestamp, data} is accepted too.")
            .Accepts<EventRequest>("application/json")
            .Produces<EventReceived>();
        return app;
    }

    internal static async Task<IResult> PostAsync(
        HttpRequest request, ICloudStore store, TimeProvider time, IOptions<CloudOptions> options, CancellationToken ct)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            return Problems.IdempotencyKeyMissing();
        }
        if (key.Length > 255 || key.Any(ch => ch is < '!' or > '~'))
        {
            return Problems.IdempotencyKeyInvalid(key.Length);
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        var body = buffer.ToArray();
        ExternalEvent ev;
        string fingerprint;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (Parse(doc.RootElement, time.GetUtcNow(), out var parsed) is { } problem)
            {
                return problem;
            }
            ev = parsed!;
            fingerprint = Fingerprint(Route, doc.RootElement);
        }
        catch (JsonException e)
        {
            return Problems.InvalidJson(e);
        }

        var tenant = request.HttpContext.User.Tenant();
        var now = time.GetUtcNow();
        var lease = TimeSpan.FromSeconds(options.Value.IdempotencyInFlightLeaseSeconds);
        var begin = await store.BeginIdempotentAsync(tenant, key, fingerprint, now,
            now.AddHours(-options.Value.IdempotencyKeyHours), now - lease, ct).ConfigureAwait(false);
        switch (begin.State)
        {
            case IdempotencyState.Mismatch:
                return Problems.IdempotencyKeyReused();
            case IdempotencyState.InFlight:
                return InFlight(request, begin.ClaimedAt!.Value + lease - now, lease);
            case IdempotencyState.Replay:
                request.HttpContext.Response.Headers[ReplayedHeader] = "true";
                return Results.Text(begin.Body ?? "", "application/json", Encoding.UTF8, begin.Status);
        }
        var claim = begin.ClaimedAt!.Value;
        try
        {
            if (await store.GetMachineAsync(tenant, ev.MachineId, ct).ConfigureAwait(false) is null)
            {
                await store.ReleaseIdempotencyAsync(tenant, key, claim, CancellationToken.None).ConfigureAwait(false);
                return Problems.NotFound("machine", ev.MachineId);
            }
            var response = JsonSerializer.Serialize(new EventReceived(ev.Id, "received"), CloudJson.Options);
            if (!await store.AddExternalEventAsync(tenant, ev, key, claim, StatusCodes.Status200OK, response, ct).ConfigureAwait(false))
            {
                // This request outlived its lease and a retry took the key over: that one stores the event.
                return InFlight(request, lease, lease);
            }
            return Results.Text(response, "application/json", Encoding.UTF8, StatusCodes.Status200OK);
        }
        catch
        {
            // A request that fails here (database error, client gone) frees its key at once so that a retry can run.
            await store.ReleaseIdempotencyAsync(tenant, key, claim, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// 409 for a key another request holds. <c>Retry-After</c> is one second: the first request usually ends within it, and
    /// a retry then gets its stored response. <c>leaseEndsInSeconds</c> says when a claim whose request died is taken over
    /// (at most one lease: a claim made after this request read the clock is younger than "now").
    /// </summary>
    private static ProblemHttpResult InFlight(HttpRequest request, TimeSpan untilLeaseEnds, TimeSpan lease)
    {
        var leaseEnds = Math.Clamp((long)Math.Ceiling(untilLeaseEnds.TotalSeconds), 1, Math.Max(1, (long)Math.Ceiling(lease.TotalSeconds)));
        const long retryAfter = 1;
        request.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return Problems.IdempotencyInFlight(retryAfter, leaseEnds);
    }

    /// <summary>
    /// What makes two requests "the same": the route and the body compared as JSON (property order and whitespace do not
    /// matter; names, values and array order do): SHA-256 of the route and the body written canonically.
    /// </summary>
    internal static string Fingerprint(string route, JsonElement body)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Encoding.UTF8.GetBytes(route + "\n"));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CanonicalJson.Write(writer, body);
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>Reads {machineId, type, timestamp?, data?}, or the older {machineId, eventType, timestamp, data}.</summary>
    internal static ProblemHttpResult? Parse(JsonElement root, DateTimeOffset now, out ExternalEvent? ev)
    {
        ev = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("The body must be a JSON object.");
        }
        var machineId = SetupApi.Text(root, "machineId");
        if (!QueryParsing.IsValidId(machineId))
        {
            return Problems.BadId(machineId, "invalid-machine-id", "machineId", "machineId is required: 1-128 characters.");
        }
        var type = SetupApi.Text(root, "type") ?? SetupApi.Text(root, "eventType");
        if (type is null || type.Length is 0 or > 64 || QueryParsing.ControlCharacterAt(type) >= 0)
        {
            return Problems.BadId(type, "invalid-event-type", "type", "type (or eventType) is required: 1-64 characters, e.g. setup_start, downtime_reason, scrap, note.");
        }
        var timestamp = now;
        if (root.TryGetProperty("timestamp", out var ts) && ts.ValueKind != JsonValueKind.Null)
        {
            if (ts.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp))
            {
                return Problems.Invalid("timestamp must be an ISO 8601 time.", Problems.Field("timestamp"));
            }
            if (!Ingest.AcceptedTimes.Contains(timestamp))
            {
                return Problems.TimeOutOfRange("timestamp", timestamp);
            }
        }
        string? data = null;
        if (root.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            if (d.ValueKind != JsonValueKind.Object)
            {
                return Problems.Invalid("data must be a JSON object.", Problems.Field("data"));
            }
            data = StoredText.CleanJson(d.GetRawText());
        }
        ev = new ExternalEvent(Guid.CreateVersion7().ToString("n"), machineId!, type, timestamp, data);
        return null;
    }

}
