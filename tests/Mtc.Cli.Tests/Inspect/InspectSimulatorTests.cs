using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Mtc.Cli.Tests.Inspect;

/// <summary><c>mtc inspect</c> against the real simulator agent (<c>mtc sim</c>) running as its own process.</summary>
public sealed partial class InspectSimulatorTests
{
    [Fact]
    public async Task Probe_current_and_an_out_of_range_sample_from_a_running_simulator()
    {
        using var sim = Process.Start(new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "mtc.dll"), "sim", "--generate", "2", "--port", "0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        try
        {
            var baseUrl = await ListeningUrlAsync(sim);
            using var http = new HttpClient();
            var probeXml = Path.Combine(Path.GetTempPath(), $"mtc-sim-probe-{Guid.NewGuid():N}.xml");
            await File.WriteAllBytesAsync(probeXml, await http.GetByteArrayAsync(baseUrl + "probe"));
            var expected = XmlCounts.Count(probeXml);
            File.Delete(probeXml);

            var probe = (await CliRun.RunAsync("inspect", baseUrl + "probe")).Json();
            InspectDocumentTests.AssertCounts(expected, probe);
            Assert.Equal("xml", probe.GetProperty("format").GetString());

            var current = (await CliRun.RunAsync("inspect", baseUrl + "current")).Json();
            Assert.Equal("streams", current.GetProperty("kind").GetString());
            Assert.Equal(expected.Devices, current.GetProperty("devices").GetInt32());
            Assert.InRange(current.GetProperty("observations").GetInt32(), 1, int.MaxValue);
            Assert.Equal(probe.GetProperty("header").GetProperty("instanceId").GetInt64(), current.GetProperty("header").GetProperty("instanceId").GetInt64());

            var tooMany = (await CliRun.RunAsync("inspect", baseUrl + "sample?from=1&count=100000000")).Json();
            Assert.Equal("error", tooMany.GetProperty("kind").GetString());
            Assert.Equal("OUT_OF_RANGE", tooMany.GetProperty("errors")[0].GetProperty("code").GetString());
        }
        finally
        {
            sim.Kill(entireProcessTree: true);
            await sim.WaitForExitAsync();
        }
    }

    private static async Task<string> ListeningUrlAsync(Process sim)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await sim.StandardOutput.ReadLineAsync(guard.Token) is { } line)
        {
            if (Url().Match(line) is { Success: true } match)
            {
                return match.Value.TrimEnd('/') + "/";
            }
        }

        throw new InvalidOperationException($"the simulator exited without a URL: {await sim.StandardError.ReadToEndAsync(guard.Token)}");
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/?")]
    private static partial Regex Url();
}
