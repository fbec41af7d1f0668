using Microsoft.AspNetCore.Http.HttpResults;

namespace Mtc.Cloud.Hardening;

/// <summary>
/// Every error the API gives, as RFC 9457 problem details with a stable <c>type</c> per kind of error, so
/// clients can branch on it without parsing messages.
/// </summary>
internal static class Problems
{
    public const string TypePrefix = "urn:mtc:problem:";

    public static ProblemHttpResult Create(int status, string slug, string title, string? detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, type: TypePrefix + slug, title: title, statusCode: status, extensions: extensions);

    /// <summary>The extension naming the request field a problem is about.</summary>
    public static Dictionary<string, object?> Field(string name) => new() { ["field"] = name };

    public static ProblemHttpResult Invalid(string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status400BadRequest, "invalid-request", "The request is not valid.", detail, extensions);

    public static ProblemHttpResult InvalidJson(System.Text.Json.JsonException e) =>
        Create(StatusCodes.Status400BadRequest, "invalid-json", "The body is not valid JSON for this route.",
            e.Message, new Dictionary<string, object?> { ["path"] = e.Path, ["line"] = e.LineNumber + 1, ["bytePositionInLine"] = e.BytePositionInLine });

    /// <summary>
    /// An identifier that fails its check: when it holds a control character (which no read could ever match), a
    /// 400 whose type names the field (<c>invalid-edge-id</c>, <c>invalid-machine-id</c>...); otherwise the plain
    /// <see cref="Invalid"/> with <paramref name="detail"/>.
    /// </summary>
    public static ProblemHttpResult BadId(string? id, string typeSlug, string field, string detail)
    {
        var at = Hosting.QueryParsing.ControlCharacterAt(id);
        if (at < 0)
        {
            return Invalid(detail, new Dictionary<string, object?> { ["field"] = field });
        }
        var code = ((int)id![at]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status400BadRequest, typeSlug, "An identifier holds a control character.",
            $"{field} holds the control character U+{code} at index {at}; identifiers are 1-128 characters without control characters.",
            new Dictionary<string, object?> { ["field"] = field, ["index"] = at });
    }

    /// <summary>A time outside <see cref="Ingest.AcceptedTimes"/>; <paramref name="field"/> names it (<c>records[3].timestamp</c>).</summary>
    public static ProblemHttpResult TimeOutOfRange(string field, DateTimeOffset value) =>
        Create(StatusCodes.Status400BadRequest, "time-out-of-range", "A time is outside the range the cloud stores.",
            $"{field} is {Ingest.AcceptedTimes.Format(value)}; times must be from {Ingest.AcceptedTimes.Range} (UTC).",
            new Dictionary<string, object?>
            {
                ["field"] = field,
                ["min"] = Ingest.AcceptedTimes.Format(Ingest.AcceptedTimes.Min),
                ["max"] = Ingest.AcceptedTimes.Format(Ingest.AcceptedTimes.Max),
            });

    /// <summary>A gap record whose counts cannot be true (a negative count, a range that ends before it starts...).</summary>
    public static ProblemHttpResult InvalidGap(string field, string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid-gap", "A gap record is not consistent.", $"{field}: {detail}",
            new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult NotFound(string what, string id) =>
        Create(StatusCodes.Status404NotFound, "not-found", $"No such {what}.", $"{what} '{id}' does not exist.");

    public static ProblemHttpResult IdempotencyKeyMissing() =>
        Create(StatusCodes.Status400BadRequest, "idempotency-key-missing", "An Idempotency-Key header is required.",
            "Send a unique Idempotency-Key (1-255 visible ASCII characters, e.g. a UUID) with every request that creates something.");

    public static ProblemHttpResult IdempotencyKeyInvalid(int length) =>
        Create(StatusCodes.Status400BadRequest, "idempotency-key-invalid", "The Idempotency-Key is not valid.",
            $"The Idempotency-Key has {length} characters; it must be 1-255 visible ASCII characters (U+0021-U+007E, no spaces), e.g. a UUID.");

    /// <summary>The same key with another body: 422, as the IETF Idempotency-Key draft says.</summary>
    public static ProblemHttpResult IdempotencyKeyReused() =>
        Create(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "The Idempotency-Key was used with another request.",
            "This key was already used with a different body (compared as JSON); use a new key for a new request.");

    public static ProblemHttpResult IdempotencyInFlight(long retryAfterSeconds, long leaseEndsInSeconds) =>
        Create(StatusCodes.Status409Conflict, "idempotency-in-flight", "A request with this Idempotency-Key is still running.",
            "Retry after the Retry-After delay: once the first request has finished, the key answers its stored response; if the " +
            $"first request died, a retry takes the key over once its lease ends, in {leaseEndsInSeconds} s at the latest.",
            new Dictionary<string, object?> { ["retryAfterSeconds"] = retryAfterSeconds, ["leaseEndsInSeconds"] = leaseEndsInSeconds });

    /// <summary>A batch that overtook the one it follows: retry it (at once) once that one is acknowledged.</summary>
    public static ProblemHttpResult PredecessorMissing(long afterSeq, long hwm) =>
        Create(StatusCodes.Status409Conflict, "predecessor-missing", "The batch this one follows is not stored yet.",
            $"afterSeq is {afterSeq} but the stream's high-water mark is {hwm}: nothing of this batch was stored. Send it again once the " +
            "batch through afterSeq is acknowledged, or again from the first batch not acknowledged.",
            new Dictionary<string, object?> { ["afterSeq"] = afterSeq, ["hwm"] = hwm });

    public static ProblemHttpResult MachineTaken(string machineId) =>
        Create(StatusCodes.Status409Conflict, "machine-taken", "A machine is registered to another edge.",
            $"Machine '{machineId}' belongs to another edge of this tenant.", new Dictionary<string, object?> { ["machineId"] = machineId });

    public static ProblemHttpResult BodyTooLarge(string detail) =>
        Create(StatusCodes.Status413PayloadTooLarge, "body-too-large", "The request body is too large.", detail);

    public static ProblemHttpResult UnsupportedEncoding(string encoding) =>
        Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-content-encoding", "The Content-Encoding is not supported.",
            $"Content-Encoding '{encoding}' is not supported: send gzip or an uncompressed body.");

    public static ProblemHttpResult RateLimited() =>
        Create(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests.", "This API key sent too many requests; retry after the Retry-After delay.");

    public static ProblemHttpResult Unauthorized(string detail) =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "A valid API key is required.", detail);

    public static ProblemHttpResult Forbidden(IReadOnlyList<string> needed, IReadOnlyList<string> has) =>
        Create(StatusCodes.Status403Forbidden, "forbidden", "The API key lacks the scope this route needs.",
            $"This route needs a key with the scope {(needed.Count == 0 ? "admin" : string.Join(" or ", needed))} (admin may do everything); " +
            $"this key has {(has.Count == 0 ? "no scope" : string.Join(", ", has))}. Create one with: mtc keys create --tenant ... --scopes {(needed.Count == 0 ? "admin" : needed[0])}",
            new Dictionary<string, object?> { ["requiredScopes"] = needed, ["keyScopes"] = has });

    /// <summary>The database does not answer for now (server down or restarting, connection lost, SQLite busy).</summary>
    public static ProblemHttpResult DatabaseUnavailable(int retryAfterSeconds) =>
        Create(StatusCodes.Status503ServiceUnavailable, "database-unavailable", "The database is unavailable.",
            "The cloud cannot reach its database for now; nothing of this request was stored. Retry after the Retry-After delay.",
            new Dictionary<string, object?> { ["retryAfterSeconds"] = retryAfterSeconds });

    /// <summary>The stable slug for a status when nothing more specific was given (routing's 404, 405, 500...).</summary>
    public static string SlugFor(int status) => status switch
    {
        400 => "invalid-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        408 => "request-timeout",
        409 => "conflict",
        413 => "body-too-large",
        415 => "unsupported-media-type",
        429 => "rate-limited",
        503 => "unavailable",
        _ when status >= 500 => "internal-error",
        _ => "http-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
