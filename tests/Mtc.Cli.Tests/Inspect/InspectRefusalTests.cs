namespace Mtc.Cli.Tests.Inspect;

public sealed class InspectRefusalTests(HostileFiles files) : IClassFixture<HostileFiles>
{
    public static TheoryData<string> Names() => HostileFiles.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_or_broken_file_exits_2_with_one_line_saying_where(string name)
    {
        var path = files.PathOf(name);

        var run = await CliRun.RunAsync("inspect", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith(path + ":", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deep.json", 1, "too deep")]
    [InlineData("bad-sequence.json", 0, "invalid value")]
    [InlineData("trailing.json", -1, "malformed")]
    [InlineData("not-mtconnect.json", 1, "not MTConnect")]
    [InlineData("not-mtconnect.xml", 2, "not MTConnect")]
    [InlineData("deep.xml", 1, "too deep")]
    [InlineData("hostile/billion-laughs.xml", 2, "prohibited")]
    public async Task The_error_line_names_the_kind_and_the_line(string name, int line, string kind)
    {
        var path = files.PathOf(name);

        var run = await CliRun.RunAsync("inspect", path);

        var message = Assert.Single(run.StderrLines);
        Assert.Contains($": {kind}: ", message, StringComparison.Ordinal);
        var lines = File.ReadAllLines(path);
        var expectedLine = line switch
        {
            0 => Array.FindIndex(lines, l => l.Contains("\"twenty\"", StringComparison.Ordinal)) + 1,
            -1 => lines.Length,
            _ => line,
        };
        Assert.StartsWith($"{path}:{expectedLine}:", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("escape-in-element.xml", "'\\x1b' character")]
    [InlineData("escape-in-attribute.xml", "\\x1b")]
    [InlineData("c1-in-attribute.xml", "\\x9b2J\\x9d0;pwned\\x9c")]
    [InlineData("bidi-in-root.xml", "'\\u202e' character")]
    public async Task Error_line_echoed_raw_terminal_escapes_from_the_input(string name, string escaped)
    {
        var path = files.PathOf(name);

        var run = await CliRun.RunAsync("inspect", path);

        Assert.Equal(2, run.ExitCode);
        Assert.EndsWith(Environment.NewLine, run.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(run.StderrLines);
        var text = run.Stderr[..^Environment.NewLine.Length];
        Assert.DoesNotContain(text, c => c < 0x20 || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069');
        Assert.Contains(escaped, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_exits_2()
    {
        var path = files.PathOf("does-not-exist.xml");

        var run = await CliRun.RunAsync("inspect", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"{path}: no such file", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task A_directory_exits_2()
    {
        var run = await CliRun.RunAsync("inspect", files.Folder);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"{files.Folder}: is a directory, not a file", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Help_explains_the_exit_codes()
    {
        var run = await CliRun.RunAsync("inspect", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Exit codes", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("404", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--timeout", run.Stdout, StringComparison.Ordinal);
    }
}
