using System.CommandLine;
using System.Globalization;

namespace Mtc.Cli.Commands;

/// <summary>
/// <c>mtc health [URL]</c>: asks a running host whether it is alive, for container health checks and scripts, where no
/// curl may be installed. Exit 0 for a 2xx answer, 1 for anything else, with one line saying what came back.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var url = new Argument<string?>("url")
        {
            Description = "What to ask (default: MTC_HEALTH_URL, else http://127.0.0.1:PORT/health/live with PORT from the environment, else 8080)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer", DefaultValueFactory = _ => 3 };
        var command = new Command("health", "Asks a running mtc cloud, worker or edge whether it is alive (its /health/live): exit 0 for a 2xx answer, 1 otherwise. "
            + "For container health checks.") { url, timeout };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var target = parse.GetValue(url) ?? DefaultUrl();
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc health: '{target}' is not an http(s) URL.")).ConfigureAwait(false);
                return 2;
            }
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(timeout), 0.1, 300)) };
            try
            {
                using var answer = await client.GetAsync(uri, ct).ConfigureAwait(false);
                if (answer.IsSuccessStatusCode)
                {
                    await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{uri}: {(int)answer.StatusCode}")).ConfigureAwait(false);
                    return 0;
                }
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"mtc health: {uri} answered {(int)answer.StatusCode} {answer.ReasonPhrase}")).ConfigureAwait(false);
                return 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc health: {uri}: {(e is TaskCanceledException ? "no answer in time" : e.Message)}")).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static string DefaultUrl() =>
        Environment.GetEnvironmentVariable("MTC_HEALTH_URL") is { Length: > 0 } url ? url
        : $"http://127.0.0.1:{(Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } port ? port : "8080")}/health/live";
}
