using Mtc.Cli.Tests.Inspect;

namespace Mtc.Cli.Tests;

/// <summary>Bad usage of any mtc command exits 2 with one line on stderr that says what and where to look.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData(new[] { "nosuch" }, "mtc --help")]
    [InlineData(new[] { "inspect" }, "mtc inspect --help")]
    [InlineData(new[] { "keys", "create", "--scopes", "ext:read" }, "mtc keys create --help")]
    [InlineData(new[] { "sim", "--port", "notaport" }, "mtc sim --help")]
    public async Task Bad_usage_exits_2_with_one_line_naming_the_help_to_read(string[] args, string help)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains(help, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_is_not_bad_usage()
    {
        var run = await CliRun.RunAsync("inspect", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Stdout, StringComparison.Ordinal);
    }
}
