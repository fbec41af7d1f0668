using System.CommandLine;
using System.Globalization;
using Mtc.Cli.Commands.Analyze;
using Mtc.Core.Text;

namespace Mtc.Cli.Commands;

/// <summary><c>mtc analyze --devices FILE --shdr LOG</c>: the machine analytics over a recorded adapter log, offline.</summary>
internal static class AnalyzeCommand
{
    private const string Description = """
        Runs the machine analytics over an SHDR adapter log (plain or .gz) with the device model it feeds, and prints
        per machine: parts, seconds per status (ACTIVE, IDLE, SETUP, ALARM, OFFLINE; they add up to the time the log
        spans), cycles, setups and alarms. The rules are those the edge applies live (see docs/tools.md).
        Keys match the device's data item names or ids, as in an agent. --device picks the device the adapter
        feeds when the devices file has several.

        Exit codes:
          0  analysed
          2  bad usage or invalid input (a missing file, a devices file that is not MTConnect, an unknown device,
             a log with no line for the device); one line on stderr says why
          1  any other failure
        """;

    public static Command Create()
    {
        // Every option parses as text and is checked here, so that bad usage exits 2 with one line, never 1.
        var devices = Text("--devices", "The devices file (probe XML) the log's adapter feeds.");
        var device = Text("--device", "Name, uuid or id of the device the log feeds (when the file has several).");
        var shdr = Text("--shdr", "The SHDR log (plain or gzip).");
        var format = Text("--format", "json (default) or table.");
        var idleMinutes = Text("--counter-idle-minutes", "Machines with a part count but no execution: IDLE after this many minutes without an increment (default 5).");

        var command = new Command("analyze", Description) { devices, device, shdr, format, idleMinutes };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                if (parse.UnmatchedTokens.Count > 0)
                {
                    throw new AnalyzeException(AnalyzeException.BadUsage, $"unexpected argument '{parse.UnmatchedTokens[0]}'");
                }

                var table = (parse.GetValue(format) ?? "json") switch
                {
                    "json" => false,
                    "table" => true,
                    var other => throw new AnalyzeException(AnalyzeException.BadUsage, $"--format must be json or table, not '{other}'"),
                };
                var minutes = parse.GetValue(idleMinutes) ?? "5";
                if (!double.TryParse(minutes, NumberStyles.Float, CultureInfo.InvariantCulture, out var idle))
                {
                    throw new AnalyzeException(AnalyzeException.BadUsage, $"--counter-idle-minutes must be a number of minutes, not '{minutes}'");
                }

                var request = new AnalyzeRequest(
                    parse.GetValue(devices) ?? throw Missing("--devices FILE"),
                    parse.GetValue(shdr) ?? throw Missing("--shdr LOG"),
                    parse.GetValue(device),
                    idle);
                var report = await Task.Run(() => LogAnalysis.Run(request, cancellationToken), cancellationToken).ConfigureAwait(false);
                var text = table ? ReportWriter.Table(report) : ReportWriter.Json(report);
                await output.WriteAsync(text).ConfigureAwait(false);
                return 0;
            }
            catch (AnalyzeException ex)
            {
                await error.WriteLineAsync(Printable.Escape("mtc analyze: " + ex.Message.ReplaceLineEndings(" "))).ConfigureAwait(false);
                return ex.ExitCode;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                await error.WriteLineAsync(Printable.Escape("mtc analyze: " + ex.Message.ReplaceLineEndings(" "))).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static Option<string> Text(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static AnalyzeException Missing(string what) => new(AnalyzeException.BadUsage, $"{what} is required");
}
