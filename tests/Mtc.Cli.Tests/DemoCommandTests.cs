using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mtc.Cli.Tests;

/// <summary><c>mtc demo</c> as a user runs it: a real process, then the printed key against the printed cloud URL.</summary>
public sealed partial class DemoCommandTests
{
    [Fact]
    public async Task Demo_delivers_the_simulated_machines_and_their_observations_to_the_cloud()
    {
        var data = Path.Combine(Path.GetTempPath(), $"mtc-demo-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "mtc.dll"), "demo", "--port", "0", "--machines", "2", "--speed", "20", "--data", data })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            string? cloud = null, key = null;
            while ((cloud is null || key is null) && await process.StandardOutput.ReadLineAsync(patience.Token) is { } line)
            {
                if (CloudLine().Match(line) is { Success: true } c)
                {
                    cloud = c.Groups[1].Value;
                }
                if (KeyLine().Match(line) is { Success: true } k)
                {
                    key = k.Groups[1].Value;
                }
            }
            Assert.True(cloud is not null && key is not null, $"no banner; stderr: {(process.HasExited ? await stderr : "")}");

            using var http = new HttpClient { BaseAddress = new Uri(cloud!) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

            // The edge registers the machines and ships their observations: wait until the cloud has both.
            var observed = new Dictionary<string, int>();
            while (!patience.IsCancellationRequested)
            {
                using var machines = JsonDocument.Parse(await http.GetStringAsync("/api/ext/machines", patience.Token));
                var ids = machines.RootElement.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
                observed.Clear();
                foreach (var id in ids)
                {
                    using var page = JsonDocument.Parse(await http.GetStringAsync($"/api/ext/machines/{Uri.EscapeDataString(id)}/observations?limit=50", patience.Token));
                    observed[id] = page.RootElement.GetProperty("items").GetArrayLength();
                }
                if (observed.Count == 2 && observed.Values.All(n => n > 0))
                {
                    break;
                }
                await Task.Delay(500, patience.Token);
            }

            Assert.Equal(2, observed.Count);
            Assert.All(observed.Values, n => Assert.True(n > 0));

            // The printed key is an integrator's: it reads, it cannot ingest.
            using var ingest = await http.PostAsync("/api/ext/data", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), patience.Token);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, ingest.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [GeneratedRegex(@"cloud API\s+(http://\S+?)/api/ext/machines")]
    private static partial Regex CloudLine();

    [GeneratedRegex(@"API key\s+(mtc_\S+)")]
    private static partial Regex KeyLine();
}
