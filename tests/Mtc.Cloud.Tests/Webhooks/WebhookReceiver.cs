using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mtc.Cloud.Tests.Webhooks;

/// <summary>One request as the receiver saw it, what it answered, and when it arrived (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, int Answered, long At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// A real HTTP receiver (Kestrel on 127.0.0.1, a free port) that records every request. <see cref="Answer"/> decides the
/// status per request (200 unless set); <see cref="Delay"/> holds each answer back, as a slow receiver does.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Func<string, int> Answer { get; set; } = _ => 200;

    public TimeSpan Delay { get; set; }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>The requests answered 2xx, each id once (as a receiver that dedupes by Webhook-Id keeps them).</summary>
    public IReadOnlySet<string> DeliveredIds => _received.Where(r => r.Answered is >= 200 and < 300).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);

    public string Url(string path) => new Uri(Address, path).ToString();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "";
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }
        var status = Answer(path);
        _received.Enqueue(new ReceivedWebhook(path, context.Request.Headers["Webhook-Id"].ToString(),
            context.Request.Headers["Webhook-Timestamp"].ToString(), context.Request.Headers["Mtc-Signature"].ToString(), body, status,
            System.Diagnostics.Stopwatch.GetTimestamp()));
        context.Response.StatusCode = status;
    }

    /// <summary>Checks a signature as docs/integrator.md tells receivers to: recompute, compare in constant time.</summary>
    public static bool SignatureIsValid(ReceivedWebhook r, string secret)
    {
        var parts = r.Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || t != r.Timestamp)
        {
            return false;
        }
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + r.Body)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }

    /// <summary>Waits until <paramref name="done"/> holds, failing with what was received when it does not in time.</summary>
    public async Task WaitUntilAsync(Func<WebhookReceiver, bool> done, TimeSpan patience, string what)
    {
        var until = DateTime.UtcNow + patience;
        while (!done(this))
        {
            Assert.True(DateTime.UtcNow < until, $"{what}: not within {patience}; received {_received.Count} requests " +
                $"({DeliveredIds.Count} distinct ids answered 2xx)");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
