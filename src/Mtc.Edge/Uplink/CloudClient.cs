using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Mtc.Edge.Uplink;

/// <summary>What the cloud answered: status, body text and the Retry-After it asked for.</summary>
internal sealed record CloudResponse(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>Timeouts, 429, 5xx — and 401/403, which are a key problem of the gateway, not of the batch.</summary>
    /// <summary>
    /// 409 predecessor-missing: the batch overtook the one it follows, which the cloud had not stored yet; nothing of it was
    /// stored, and it goes again (not quarantined, not a failure).
    /// </summary>
    public bool IsPredecessorMissing => Status == HttpStatusCode.Conflict && Body.Contains("urn:mtc:problem:predecessor-missing", StringComparison.Ordinal);

    public bool IsRetryable => Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)Status >= 500;
}

/// <summary>Typed client for the cloud's edge API. It does not retry: the outbox owns retries across outages.</summary>
internal sealed class CloudClient
{
    private readonly HttpClient _http;

    public CloudClient(HttpClient http, IOptions<EdgeOptions> options)
    {
        _http = http;
        var cloud = options.Value.Cloud;
        if (cloud.Url.Length > 0)
        {
            _http.BaseAddress = new Uri(cloud.Url.TrimEnd('/') + "/");
        }
        _http.Timeout = cloud.Timeout;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cloud.ApiKey);
    }

    public Task<CloudResponse> PostBatchAsync(byte[] gzippedJson, CancellationToken ct)
    {
        var content = new ByteArrayContent(gzippedJson);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return SendAsync("api/ext/data", content, ct);
    }

    public Task<CloudResponse> PostSetupAsync(SetupRequest setup, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(setup, EdgeJsonContext.Default.SetupRequest);
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendAsync("api/ext/setup", content, ct);
    }

    public Task<CloudResponse> PostHeartbeatAsync(HeartbeatRequest heartbeat, CancellationToken ct)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(heartbeat, EdgeJsonContext.Default.HeartbeatRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendAsync("api/ext/edges/heartbeat", content, ct);
    }

    private async Task<CloudResponse> SendAsync(string path, HttpContent content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } d } => d,
            { Date: { } at } => at - DateTimeOffset.UtcNow,
            _ => null,
        };
        return new CloudResponse(response.StatusCode, body.Length > 2000 ? body[..2000] : body, retryAfter);
    }

    /// <summary>The high-water mark in an ingest answer (<c>{"hwm": n, ...}</c>), or null when the body has none.</summary>
    public static long? ReadHwm(string body) => ReadLong(body, "hwm");

    /// <summary>An integer property of a JSON object answer, or null (a cloud too old to send it, or no JSON).</summary>
    public static long? ReadLong(string body, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(body));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var h) && h.TryGetInt64(out var v)
                ? v
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string property of a JSON object answer, or null.</summary>
    public static string? ReadField(string body, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(body));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The body of <c>POST /api/ext/setup</c>.</summary>
internal sealed record SetupRequest(string EdgeId, string? Name, IReadOnlyList<SetupMachine> Machines);

/// <summary>The edge's heartbeat: up to when it has seen each machine whose source is connected.</summary>
internal sealed record HeartbeatRequest(string EdgeId, IReadOnlyList<MachineConfirmation> Machines);

internal sealed record MachineConfirmation(string Id, DateTimeOffset ConfirmedAt);

internal sealed record SetupMachine(string Id, string? Name, string? Uuid);
