using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Webhooks;

/// <summary>
/// Events ingested from an edge or posted by an integrator reach a real receiver as signed webhooks, through the worker the
/// cloud host runs; failures are retried (short backoff and a 3 s retry window here) until they succeed or turn <c>err</c>.
/// </summary>
public abstract class WebhookDeliveryTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private WebhookReceiver _receiver = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cloud:Webhooks:AllowPrivateNetworks"] = "true",
        ["Cloud:Webhooks:RetryBaseSeconds"] = "0.1",
        ["Cloud:Webhooks:RetryMaxSeconds"] = "0.4",
        ["Cloud:Webhooks:RetryWindowSeconds"] = "3",
        ["Cloud:Webhooks:TimeoutSeconds"] = "2",
        ["Cloud:Worker:PollIntervalSeconds"] = "0.1",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Deliveries_verify_with_the_secret_shown_once_and_a_resent_batch_notifies_once()
    {
        var (id, secret) = await Webhooks.SubscribeAsync(Admin, _receiver.Url("/hooks/cycles"), "cycle");
        var batch = Webhooks.Cycles("edge-1", "s1", 1, 5);
        await Batches.PostOkAsync(Edge, batch);
        await Batches.PostOkAsync(Edge, batch);
        await _receiver.WaitUntilAsync(r => r.DeliveredIds.Count == 5, Patience, "five cycles delivered");

        var ids = Webhooks.CycleIds(1, 5).ToHashSet();
        Assert.Equal(ids, _receiver.DeliveredIds);
        foreach (var r in _receiver.Received)
        {
            Assert.True(WebhookReceiver.SignatureIsValid(r, secret), $"signature {r.Signature} does not verify");
            Assert.False(WebhookReceiver.SignatureIsValid(r, secret + "x"));
            var body = r.Json;
            Assert.Equal(r.Id, body.GetProperty("id").GetString());
            Assert.Equal("cycle", body.GetProperty("type").GetString());
            Assert.Equal("acme", body.GetProperty("tenant").GetString());
            Assert.Equal("m1", body.GetProperty("machineId").GetString());
            Assert.Equal(30, body.GetProperty("data").GetProperty("data").GetProperty("durationSeconds").GetDouble());
            Assert.InRange(long.Parse(r.Timestamp, System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }

        // The resent batch made no second notification: a while later still one request per id.
        await Task.Delay(500);
        Assert.Equal(5, _receiver.Received.Count);
        var deliveries = await Webhooks.DeliveriesAsync(Admin, id);
        Assert.Equal(5, deliveries.Count);
        Assert.All(deliveries, d =>
        {
            Assert.Equal("sent", d.GetProperty("status").GetString());
            Assert.Equal(1, d.GetProperty("attempts").GetInt32());
            Assert.Equal(200, d.GetProperty("lastStatusCode").GetInt32());
        });

        // The secret is in no read of the subscription.
        var list = await Admin.GetStringAsync("/api/ext/webhooks");
        var one = await Admin.GetStringAsync("/api/ext/webhooks/" + id);
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, one, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", one, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["cycle"], JsonDocument.Parse(one).RootElement.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));

        // Another tenant sees none of it; a deleted subscription is gone.
        using var foreign = await OtherTenant.GetAsync("/api/ext/webhooks/" + id);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var deleted = await Admin.DeleteAsync("/api/ext/webhooks/" + id);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await Admin.GetAsync("/api/ext/webhooks/" + id);
        await Batches.ProblemAsync(gone, 404, "not-found");
    }

    [Fact]
    public async Task A_receiver_down_for_a_while_gets_every_event_once_it_is_back_with_the_same_webhook_id()
    {
        var down = true;
        _receiver.Answer = path => path == "/down" && Volatile.Read(ref down) ? 503 : 200;
        await Webhooks.SubscribeAsync(Admin, _receiver.Url("/down"), "*");
        await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-2", "s1", 100, 20, "m2"));
        await _receiver.WaitUntilAsync(r => r.Received.Count(x => x.Answered == 503) >= 40, Patience, "retries while down");
        Volatile.Write(ref down, false);
        await _receiver.WaitUntilAsync(r => r.DeliveredIds.Count == 20, Patience, "every event once the receiver is back");

        Assert.Equal(Webhooks.CycleIds(100, 20).ToHashSet(), _receiver.DeliveredIds);
        foreach (var attempts in _receiver.Received.GroupBy(r => r.Id))
        {
            // Every attempt of one event carried its id and the same body; only the timestamp and signature move.
            Assert.Single(attempts.Select(a => a.Body).Distinct());
            Assert.Single(attempts, a => a.Answered == 200);
        }
        Assert.True(_receiver.Received.GroupBy(r => r.Id).Any(g => g.Count() > 1), "some event was retried");
    }

    [Fact]
    public async Task Past_the_retry_window_a_delivery_is_err_and_redeliver_sends_it()
    {
        var failing = true;
        _receiver.Answer = path => path == "/flaky" && Volatile.Read(ref failing) ? 500 : 200;
        var (id, _) = await Webhooks.SubscribeAsync(Admin, _receiver.Url("/flaky"), "cycle");
        await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-3", "s1", 200, 1, "m3"));

        JsonElement delivery = default;
        var until = DateTime.UtcNow + Patience;
        while ((delivery = (await Webhooks.DeliveriesAsync(Admin, id)).SingleOrDefault()).ValueKind != JsonValueKind.Object
            || delivery.GetProperty("status").GetString() != "err")
        {
            Assert.True(DateTime.UtcNow < until, "the delivery did not turn err after its retry window");
            await Task.Delay(100);
        }
        Assert.True(delivery.GetProperty("attempts").GetInt32() > 1);
        Assert.Equal(500, delivery.GetProperty("lastStatusCode").GetInt32());
        Assert.Contains("500", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("nextAttempt").ValueKind);
        Assert.Empty(_receiver.DeliveredIds);

        Volatile.Write(ref failing, false);
        var deliveryId = delivery.GetProperty("id").GetString();
        using var redeliver = await Admin.PostAsync($"/api/ext/webhooks/{id}/deliveries/{deliveryId}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await _receiver.WaitUntilAsync(r => r.DeliveredIds.Contains("cycle-200"), Patience, "redelivered");
        var sent = (await Webhooks.DeliveriesWhenAllAsync(Admin, id, "sent", Patience)).Single();
        Assert.Null(sent.GetProperty("lastError").GetString());

        using var missing = await Admin.PostAsync($"/api/ext/webhooks/{id}/deliveries/999999/redeliver", null);
        await Batches.ProblemAsync(missing, 404, "not-found");
    }

    [Fact]
    public async Task Retention_forgets_sent_deliveries_and_keeps_the_ones_still_pending()
    {
        _receiver.Answer = path => path == "/kept-down" ? 503 : 200;
        var (ok, _) = await Webhooks.SubscribeAsync(Admin, _receiver.Url("/kept-ok"), "cycle");
        var (down, _) = await Webhooks.SubscribeAsync(Admin, _receiver.Url("/kept-down"), "cycle");
        await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-5", "s1", 300, 2, "m5"));
        await _receiver.WaitUntilAsync(r => r.DeliveredIds.Count == 2 && r.Received.Count(x => x.Path == "/kept-down") >= 2, Patience, "sent and retried");
        await Webhooks.DeliveriesWhenAllAsync(Admin, ok, "sent", Patience);

        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Mtc.Cloud.Storage.INotificationStore>(Factory.Services);
        Assert.True(await store.PurgeDeliveredAsync(DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None) >= 2);
        Assert.Empty(await Webhooks.DeliveriesAsync(Admin, ok));
        var pending = await Webhooks.DeliveriesAsync(Admin, down);
        Assert.Equal(2, pending.Count);
        // Still failing: pending, or err once the 3 s window has passed; either way kept.
        Assert.All(pending, d => Assert.NotEqual("sent", d.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task An_alert_that_opens_and_resolves_is_delivered_twice_with_its_evidence_written_with_the_alert()
    {
        await Webhooks.SubscribeAsync(Admin, _receiver.Url("/alerts"), "alert.opened", "alert.resolved");
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Mtc.Cloud.Storage.ICloudStore>(Factory.Services);
        var opened = await store.OpenAlertAsync("acme", "edge_silent",
            new Mtc.Cloud.Storage.AlertCondition("edge-9", null, "edge-9", null, """{"lastContact":"2026-12-01T08:00:00Z"}"""),
            DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.NotNull(opened);
        Assert.NotNull(await store.ResolveAlertAsync("acme", opened.Id, "edge back", DateTimeOffset.UtcNow, CancellationToken.None));
        var ids = new[] { $"alert-{opened.Id}:opened", $"alert-{opened.Id}:resolved" };
        await _receiver.WaitUntilAsync(r => ids.All(r.DeliveredIds.Contains), Patience, "the alert's opening and resolution delivered");

        var open = _receiver.Received.Single(r => r.Id == ids[0]).Json;
        Assert.Equal("alert.opened", open.GetProperty("type").GetString());
        Assert.Equal("edge_silent", open.GetProperty("data").GetProperty("rule").GetString());
        Assert.Equal("2026-12-01T08:00:00Z", open.GetProperty("data").GetProperty("evidence").GetProperty("lastContact").GetString());
        var resolved = _receiver.Received.Single(r => r.Id == ids[1]).Json;
        Assert.Equal("alert.resolved", resolved.GetProperty("type").GetString());
        Assert.Equal("edge back", resolved.GetProperty("data").GetProperty("resolution").GetString());
    }

    [Fact]
    public async Task An_integrators_event_is_delivered_to_subscriptions_of_its_type_only()
    {
        using (var setup = await Edge.PostAsJsonAsync("/api/ext/setup", new { edgeId = "edge-4", machines = new[] { new { id = "m4" } } }))
        {
            Assert.True(setup.IsSuccessStatusCode, await setup.Content.ReadAsStringAsync());
        }
        await Webhooks.SubscribeAsync(Admin, _receiver.Url("/notes"), "note");
        await Webhooks.SubscribeAsync(Admin, _receiver.Url("/cycles-only"), "cycle");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event")
        {
            Content = JsonContent.Create(new { machineId = "m4", type = "note", data = new { text = "spindle warm-up" } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var posted = await Writer.SendAsync(request);
        var eventId = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await _receiver.WaitUntilAsync(r => r.DeliveredIds.Contains(eventId), Patience, "the note delivered");

        var note = Assert.Single(_receiver.Received);
        Assert.Equal("/notes", note.Path);
        Assert.Equal("note", note.Json.GetProperty("type").GetString());
        Assert.Equal("m4", note.Json.GetProperty("machineId").GetString());
        Assert.Equal("spindle warm-up", note.Json.GetProperty("data").GetProperty("data").GetProperty("text").GetString());
    }
}

public sealed class WebhookDeliveryTests_Sqlite() : WebhookDeliveryTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class WebhookDeliveryTests_Postgres(PostgresServer server) : WebhookDeliveryTests(new PostgresBackend(server));
