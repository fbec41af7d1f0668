using System.Text.Json;

namespace Mtc.Cloud.Tests.Contract;

/// <summary>
/// <c>api/openapi.json</c> passes Redocly's recommended rules (<c>api/redocly.yaml</c>) with no error and no warning. The
/// linter is the npm package pinned in <c>api/tools/package.json</c>, installed by <c>npm ci</c> when it is missing.
/// </summary>
public sealed class OpenApiLintTests
{
    [Fact]
    public async Task The_checked_in_document_passes_the_recommended_rules()
    {
        var root = ToolProcess.RepositoryRoot();
        var tools = Path.Combine(root, "api", "tools");
        var cli = Path.Combine(tools, "node_modules", "@redocly", "cli", "bin", "cli.js");
        if (!File.Exists(cli))
        {
            var install = await ToolProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], tools, TimeSpan.FromMinutes(5));
            Assert.True(install.ExitCode == 0, $"npm ci in api/tools failed:\n{install.Stdout}\n{install.Stderr}");
        }
        var (exit, stdout, stderr) = await ToolProcess.RunAsync("node",
            [cli, "lint", "--config", Path.Combine(root, "api", "redocly.yaml"), "--format", "json", Path.Combine(root, "api", "openapi.json")],
            root, TimeSpan.FromMinutes(2));
        var start = stdout.IndexOf('{', StringComparison.Ordinal);
        Assert.True(start >= 0, $"redocly printed no report (exit {exit}):\n{stdout}\n{stderr}");
        using var report = JsonDocument.Parse(stdout[start..]);
        var problems = report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} at " +
                string.Join(", ", p.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString())))
            .ToList();
        Assert.True(problems.Count == 0, "redocly lint api/openapi.json:\n" + string.Join("\n", problems));
        Assert.Equal(0, exit);
    }
}
