using System.Text.Json;

namespace Mtc.Cli.Tests.Inspect;

/// <summary>Runs <c>mtc</c> in-process with its output captured.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        // A hang guard only: a refused or read document answers in well under a second.
        var exit = await MtcCommand.RunAsync(args, stdout, stderr).WaitAsync(TimeSpan.FromMinutes(2));
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}: {Stderr}");
        using var doc = JsonDocument.Parse(Stdout);
        return doc.RootElement.Clone();
    }

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
