using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Notifications;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Webhooks;

/// <summary>
/// One delivery attempt: <c>POST</c> of <c>{id, type, tenant, machineId, occurred, data}</c> with <c>Webhook-Id</c> (the
/// notification's id, the same on every attempt), <c>Webhook-Timestamp</c> and <c>Mtc-Signature</c>. No redirects are
/// followed (a redirect could lead inside the network); the connection checks every address it connects to.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const string ClientName = "webhooks";

    /// <summary>The HTTP status (null when there was no answer) and, unless 2xx, what went wrong.</summary>
    public sealed record Outcome(bool Delivered, int? StatusCode, string? Error);

    public static void Register(IServiceCollection services) =>
        services.AddHttpClient(ClientName, c =>
            {
                // Each attempt has its own deadline (Cloud:Webhooks:TimeoutSeconds), not the client's.
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("mtc-webhooks/1");
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var allowPrivate = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateNetworks;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectCallback = (context, ct) => WebhookAddresses.ConnectAsync(context, allowPrivate, ct),
                };
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

    public static byte[] Body(DueDelivery d) =>
        NotificationPayloads.Envelope(d.NotificationId, d.Type, d.Tenant, d.MachineId, d.Occurred, d.PayloadJson);

    public async Task<Outcome> SendAsync(DueDelivery delivery, CancellationToken ct)
    {
        var body = Body(delivery);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("Webhook-Id", delivery.NotificationId);
        request.Headers.Add("Webhook-Timestamp", now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(delivery.Secret, now, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new Outcome(true, code, null)
                : new Outcome(false, code, $"HTTP {code} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(false, null, $"no answer within {options.Value.TimeoutSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new Outcome(false, null, Trim(e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message));
        }
    }

    private static string Trim(string message) => message.Length <= 500 ? message : message[..500];
}
