using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Cloud.Webhooks;

namespace Mtc.Cloud.Tests.Webhooks;

/// <summary>With the default settings, subscriptions cannot point into the cloud's own network, at creation or at delivery.</summary>
public sealed class WebhookAddressTests() : ApiTestBase(new SqliteBackend())
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cloud:Worker:PollIntervalSeconds"] = "0.1",
        ["Cloud:Webhooks:RetryBaseSeconds"] = "0.1",
        ["Cloud:Webhooks:RetryWindowSeconds"] = "0.5",
    };

    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[fe80::1]/hook")]
    public async Task A_private_loopback_or_link_local_url_is_refused(string url)
    {
        using var response = await Admin.PostAsJsonAsync("/api/ext/webhooks", new { url, eventTypes = new[] { "*" } });
        var problem = await Batches.ProblemAsync(response, 422, "webhook-url-refused");
        Assert.Equal("url", problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("ftp://example.com/hook", 422, "webhook-url-refused")]
    [InlineData("not a url", 422, "webhook-url-refused")]
    [InlineData("https://user:pw@example.com/hook", 422, "webhook-url-refused")]
    public async Task A_url_that_is_not_plain_http_or_https_is_refused(string url, int status, string type)
    {
        using var response = await Admin.PostAsJsonAsync("/api/ext/webhooks", new { url, eventTypes = new[] { "*" } });
        await Batches.ProblemAsync(response, status, type);
    }

    [Fact]
    public async Task Event_types_are_required_and_only_admin_keys_manage_webhooks()
    {
        using var none = await Admin.PostAsJsonAsync("/api/ext/webhooks", new { url = "https://example.com/hook", eventTypes = Array.Empty<string>() });
        await Batches.ProblemAsync(none, 400, "invalid-request");
        using var empty = await Admin.PostAsync("/api/ext/webhooks", new StringContent("", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
        using var notJson = await Admin.PostAsync("/api/ext/webhooks", new StringContent("{\"url\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)notJson.StatusCode);
        using var reader = await Reader.GetAsync("/api/ext/webhooks");
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        using var writer = await Writer.PostAsJsonAsync("/api/ext/webhooks", new { url = "https://example.com/hook", eventTypes = new[] { "*" } });
        Assert.Equal(HttpStatusCode.Forbidden, writer.StatusCode);
    }

    [Fact]
    public async Task A_delivery_to_a_loopback_address_is_refused_at_connect_time()
    {
        // A subscription whose address became private after it was made (DNS rebinding): stored directly, as the API refuses it.
        await using var receiver = await WebhookReceiver.StartAsync();
        var store = Factory.Services.GetRequiredService<INotificationStore>();
        await store.CreateWebhookAsync(new WebhookRow("wh_rebound", "acme", receiver.Url("/inside"), ["*"], null,
            WebhookSignature.NewSecret(), DateTimeOffset.UtcNow), CancellationToken.None);
        await Batches.PostOkAsync(Edge, Webhooks.Cycles("edge-1", "s1", 1, 1));

        System.Text.Json.JsonElement delivery = default;
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((delivery = (await Webhooks.DeliveriesAsync(Admin, "wh_rebound")).SingleOrDefault()).ValueKind == System.Text.Json.JsonValueKind.Undefined
            || delivery.GetProperty("status").GetString() != "err")
        {
            Assert.True(DateTime.UtcNow < until, "the delivery to a loopback address did not fail");
            await Task.Delay(100);
        }
        Assert.Contains("refused", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }
}
