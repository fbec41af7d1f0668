using System.CommandLine;
using System.Globalization;

namespace Mtc.Cli.Commands.Doctor;

/// <summary><c>mtc doctor URL</c>: what the edge will face at an MTConnect agent, as findings with verdicts.</summary>
internal static class DoctorCommand
{
    private const string Description = """
        Examines an MTConnect agent the way the edge will meet it and prints one finding per question, each with what was
        seen, what the edge does about it and a verdict (ok, warn, fail): version; devices; the agent's own device; buffer
        size and how fast it wraps at the rate measured over the run; whether nextSequence follows the last returned
        observation or runs to the buffer's end; how errors come back (HTTP status, legacy or typed schema); what
        sample?from=nextSequence answers; streaming framing (content type, boundary, part headers, byte order marks) and
        heartbeats; timestamp quality (no Z, steps back, ahead of this computer's clock); schema validity of probe,
        current, sample and an error document against the embedded MTConnect XSDs (1.3, 1.7, 2.0, 2.5, 2.6, 2.7).
        The run takes about --duration, most of it listening to the agent's stream.

        Exit codes:
          0  every finding ok, or warnings only
          1  a finding failed, or the agent cannot be reached or is not an MTConnect agent (one line on stderr)
          2  bad usage (one line on stderr)
        """;

    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "The agent's base URL, e.g. http://agent:5000 (a device path such as http://agent:5000/M1 may follow)." };
        var duration = new Option<string>("--duration") { Description = "How long the run takes, in seconds (default 60; at least 2).", DefaultValueFactory = _ => "60" };
        var timeout = new Option<string>("--timeout") { Description = "Longest wait for one answer of the agent, in seconds (default 10).", DefaultValueFactory = _ => "10" };
        var format = new Option<string>("--format") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        var command = new Command("doctor", Description) { url, duration, timeout, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (Usage(parse.GetValue(url)!, parse.GetValue(duration)!, parse.GetValue(timeout)!, parse.GetValue(format)!, out var settings, out var json) is { } problem)
            {
                await error.WriteLineAsync($"mtc doctor: {problem} (see 'mtc doctor --help')").ConfigureAwait(false);
                return 2;
            }

            DoctorReport report;
            try
            {
                report = await new AgentDoctor(settings).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DoctorException ex)
            {
                await error.WriteLineAsync($"mtc doctor: {ex.Message}".ReplaceLineEndings(" ")).ConfigureAwait(false);
                return 1;
            }

            await output.WriteAsync(json ? DoctorReportWriter.Json(report) : DoctorReportWriter.Table(report)).ConfigureAwait(false);
            return report.Verdict == Verdict.Fail ? 1 : 0;
        });
        return command;
    }

    /// <summary>Null when the arguments are usable, else what is wrong with them.</summary>
    private static string? Usage(string url, string duration, string timeout, string format, out DoctorSettings settings, out bool json)
    {
        settings = null!;
        json = format == "json";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var agent) || (agent.Scheme != Uri.UriSchemeHttp && agent.Scheme != Uri.UriSchemeHttps))
        {
            return $"'{url}' is not an http(s) URL of an agent";
        }

        if (!Seconds(duration, 2, out var run))
        {
            return $"--duration must be a number of seconds of at least 2, not '{duration}'";
        }

        if (!Seconds(timeout, 0.1, out var wait))
        {
            return $"--timeout must be a number of seconds above 0, not '{timeout}'";
        }

        if (format is not ("table" or "json"))
        {
            return $"--format must be table or json, not '{format}'";
        }

        settings = new DoctorSettings(BaseOf(agent), run, wait);
        return null;
    }

    /// <summary>The agent's base: a trailing <c>/probe</c>, <c>/current</c> or <c>/sample</c> and any query are dropped.</summary>
    private static Uri BaseOf(Uri url)
    {
        var path = url.AbsolutePath.TrimEnd('/');
        foreach (var request in new[] { "/probe", "/current", "/sample" })
        {
            if (path.EndsWith(request, StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^request.Length];
            }
        }

        return new UriBuilder(url) { Path = path + "/", Query = "", Fragment = "" }.Uri;
    }

    private static bool Seconds(string text, double minimum, out TimeSpan value)
    {
        value = default;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds < minimum || seconds > 86_400)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
