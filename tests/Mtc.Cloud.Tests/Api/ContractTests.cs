using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

/// <summary>The served OpenAPI document is the checked-in <c>api/openapi.json</c>, and the reference UI works offline.</summary>
public sealed partial class ContractTests() : ApiTestBase(new SqliteBackend())
{
    private static string CheckedInPath() => Path.Combine(Contract.ToolProcess.RepositoryRoot(), "api", "openapi.json");

    [Fact]
    public async Task The_served_openapi_document_matches_the_checked_in_one()
    {
        using var client = Factory.CreateClient();
        var served = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var pretty = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = CheckedInPath();
        if (Environment.GetEnvironmentVariable("MTC_UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, pretty);
        }
        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with MTC_UPDATE_OPENAPI=1 to write it.");
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.True(JsonNode.DeepEquals(checkedIn, served),
            "The served OpenAPI document differs from api/openapi.json. If the change is intended, run the tests with MTC_UPDATE_OPENAPI=1 and commit the file.");

        // The document describes what integrators rely on.
        var paths = served["paths"]!.AsObject();
        foreach (var route in new[]
                 {
                     "/api/ext/data", "/api/ext/setup", "/api/ext/event", "/api/ext/events", "/api/ext/machines", "/api/ext/machines/{id}",
                     "/api/ext/machines/{id}/cycle-time", "/api/ext/cycle-time", "/api/ext/machines/{id}/observations", "/api/ext/edges",
                     "/api/ext/edges/{id}", "/api/ext/health", "/api/ext/webhooks", "/api/ext/webhooks/{id}",
                     "/api/ext/webhooks/{id}/deliveries", "/api/ext/webhooks/{id}/deliveries/{deliveryId}/redeliver",
                     "/api/ext/alerts", "/api/ext/alerts/{id}", "/api/ext/alerts/settings",
                 })
        {
            Assert.True(paths.ContainsKey(route), route + " is not in the document");
        }
        Assert.NotNull(served["paths"]!["/api/ext/data"]!["post"]!["requestBody"]);
    }

    [Fact]
    public async Task The_reference_ui_is_served_from_this_host_only()
    {
        using var client = Factory.CreateClient();
        using var page = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var sources = ScriptSources().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        var sizes = new List<int>();
        foreach (var src in sources)
        {
            Assert.False(src.StartsWith("http", StringComparison.OrdinalIgnoreCase) || src.StartsWith("//", StringComparison.Ordinal),
                $"the page loads {src} from elsewhere");
            var url = src.StartsWith('/') ? src : "/docs/" + src;
            using var script = await client.GetAsync(url);
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"{url}: {(int)script.StatusCode}");
            sizes.Add((await script.Content.ReadAsByteArrayAsync()).Length);
        }
        Assert.Contains(sizes, size => size > 500_000); // the UI bundle itself, not a loader of it
    }

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSources();
}
