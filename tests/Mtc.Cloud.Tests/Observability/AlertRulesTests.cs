using System.ComponentModel;
using System.Diagnostics;

namespace Mtc.Cloud.Tests.Observability;

/// <summary>deploy/prometheus/alerts.yml is valid and its unit tests (alerts.test.yml) pass, checked by promtool itself.</summary>
public sealed class AlertRulesTests
{
    [Fact]
    public async Task Alert_rules_pass_promtool_check()
    {
        var (code, output) = await PromtoolAsync("check", "rules", "alerts.yml");
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 8 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_rule_unit_tests_pass_promtool_test()
    {
        var (code, output) = await PromtoolAsync("test", "rules", "alerts.test.yml");
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> PromtoolAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("promtool")
        {
            WorkingDirectory = DeployFiles.Prometheus,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "promtool is not installed: run 'apt-get install -y --no-install-recommends prometheus' (.ci/run does).", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
