using System.Text.Json;
using Mtc.Cli.Tests.Inspect;

namespace Mtc.Cli.Tests.Doctor;

/// <summary><c>mtc doctor URL --format json</c> run in-process, with its findings by name.</summary>
internal sealed record DoctorRun(CliRun Cli, JsonElement Report)
{
    /// <summary>Short runs keep the tests quick; the default of a real run is 60 s.</summary>
    public const string Duration = "3";

    public static async Task<DoctorRun> RunAsync(string url, params string[] more)
    {
        var cli = await CliRun.RunAsync(["doctor", url, "--duration", Duration, "--format", "json", .. more]);
        Assert.True(cli.Stdout.Length > 0, $"exit {cli.ExitCode}, no report: {cli.Stderr}");
        using var json = JsonDocument.Parse(cli.Stdout);
        return new DoctorRun(cli, json.RootElement.Clone());
    }

    public JsonElement Finding(string name) =>
        Report.GetProperty("findings").EnumerateArray().SingleOrDefault(f => f.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } found
            ? found
            : throw new Xunit.Sdk.XunitException($"no finding '{name}' in {Cli.Stdout}");

    public string Verdict(string name) => Finding(name).GetProperty("verdict").GetString()!;

    public JsonElement Fact(string name, string fact) => Finding(name).GetProperty("facts").GetProperty(fact);

    public string Explain(string name) => Finding(name).ToString();
}
