using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Mtc.Cli.Tests;

/// <summary><c>mtc demo</c> as a user runs it: a real process, then the printed key against the printed cloud URL.</summary>
public sealed partial class DemoCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Demo_delivers_the_generated_machines_and_the_real_lathe_and_prints_a_sign_in_link_that_works_once()
    {
        var data = Path.Combine(Path.GetTempPath(), $"mtc-demo-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "mtc.dll"), "demo", "--port", "0", "--data", data })
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var banner = new List<string>();
            string? cloud = null, key = null, link = null;
            while ((cloud is null || key is null || link is null) && await process.StandardOutput.ReadLineAsync(patience.Token) is { } line)
            {
                banner.Add(line);
                cloud ??= CloudLine().Match(line) is { Success: true } c ? c.Groups[1].Value : null;
                key ??= KeyLine().Match(line) is { Success: true } k ? k.Groups[1].Value : null;
                link ??= LinkLine().Match(line) is { Success: true } l ? l.Groups[1].Value : null;
            }
            Assert.True(cloud is not null && key is not null && link is not null,
                $"no banner: {string.Join('\n', banner)}\nstderr: {(process.HasExited ? await stderr : "")}");
            // What a newcomer looks for comes first: the dashboard, then the link that signs the browser in.
            Assert.Equal($"dashboard {cloud}/", Regex.Replace(banner[1].Trim(), @"\s+", " "));
            Assert.StartsWith("sign in once", banner[2].Trim(), StringComparison.Ordinal);

            using var http = new HttpClient { BaseAddress = new Uri(cloud!) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

            // The edge registers the six generated machines and the replayed lathe and ships what they do.
            var expected = new[] { "Lathe01", "Lathe03", "Lathe05", "Mill02", "Mill04", "Mill06", "OKUMA" };
            var statuses = new Dictionary<string, string?>();
            while (!patience.IsCancellationRequested)
            {
                statuses = await StatusesAsync(http, patience.Token);
                if (expected.All(id => statuses.TryGetValue(id, out var status) && status is not null and not "UNAVAILABLE"))
                {
                    break;
                }
                await Task.Delay(250, patience.Token);
            }
            var ready = clock.Elapsed;
            Assert.Equal(expected, statuses.Keys.Order(StringComparer.Ordinal));
            Assert.All(statuses.Values, status => Assert.False(status is null or "UNAVAILABLE"));
            // Measured on the development machine: ready about 2 s after start (the goal is 15 s); bounded loosely here
            // because CI shares its two cores with other suites.
            output.WriteLine($"mtc demo: all {expected.Length} machines with a status in the cloud {ready.TotalSeconds:F1} s after start");
            Assert.True(ready < TimeSpan.FromSeconds(60), $"the demo took {ready.TotalSeconds:F1} s to show its machines");

            // The printed key is an integrator's: it reads, it cannot ingest.
            using var ingest = await http.PostAsync("/api/ext/data", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), patience.Token);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, ingest.StatusCode);

            // The link signs a browser in once: it lands on the fleet page, whose data calls see the same machines.
            var cookies = new System.Net.CookieContainer();
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(cloud!) };
            using (var signIn = await browser.GetAsync(new Uri(link!), patience.Token))
            {
                Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
                Assert.Equal("/", signIn.Headers.Location?.OriginalString);
            }
            using (var page = await browser.GetAsync("/", patience.Token))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            }
            Assert.Equal(expected, (await StatusesAsync(browser, patience.Token)).Keys.Order(StringComparer.Ordinal));
            using var again = new HttpClient { BaseAddress = new Uri(cloud!) };
            using (var reused = await again.GetAsync(new Uri(link!), patience.Token))
            {
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, reused.StatusCode);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<Dictionary<string, string?>> StatusesAsync(HttpClient http, CancellationToken ct)
    {
        using var machines = JsonDocument.Parse(await http.GetStringAsync("/api/ext/machines", ct));
        return machines.RootElement.GetProperty("items").EnumerateArray().ToDictionary(
            m => m.GetProperty("id").GetString()!,
            m => m.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString() : null,
            StringComparer.Ordinal);
    }

    [GeneratedRegex(@"sign in once\s+(http://\S+)")]
    private static partial Regex LinkLine();

    [GeneratedRegex(@"cloud API\s+(http://\S+?)/api/ext/machines")]
    private static partial Regex CloudLine();

    [GeneratedRegex(@"API key\s+(mtc_\S+)")]
    private static partial Regex KeyLine();
}
