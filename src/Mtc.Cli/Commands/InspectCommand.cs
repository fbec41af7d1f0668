using System.CommandLine;
using Mtc.Cli.Commands.Inspect;
using Mtc.Core;
using Mtc.Core.Text;

namespace Mtc.Cli.Commands;

/// <summary><c>mtc inspect FILE|URL</c>: what is in an MTConnect document or an SHDR log, as one JSON object.</summary>
internal static class InspectCommand
{
    private const string Description = """
        Reads an MTConnect document and prints one JSON object that summarises it: kind (devices, streams, error,
        assets), version, devices, dataItems, observations, conditions, unavailable, the header's instanceId,
        bufferSize and sequences, the agent's errors, per-device counts, and "bent": the rules the document breaks that
        were read around (an undeclared namespace prefix, a component outside Components). The document may be XML or cppagent JSON
        (version 1 or 2), a file (also gzip-compressed) or an agent URL such as http://agent:5000/current; from a
        streaming request (sample?interval=...) the first document of the stream is read.
        With --shdr, reads an SHDR adapter log instead (plain or .gz): lines, observations, conditions, assets,
        malformed lines and the first and last timestamps; --devices resolves its keys against a Devices.xml.

        Exit codes:
          0  the document was read, including an error document an agent answered with (kind "error")
          2  invalid input: malformed, truncated, too deep or too large, a DTD or entity, not MTConnect,
             or a file that does not exist; one line on stderr says what and where (source:line:column), with
             control characters from the input escaped (\x1b, \u202e)
          1  any other failure: the agent cannot be reached or does not answer in time, or answers an HTTP error
             (e.g. a 404 page) that is not an MTConnect document
        """;

    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A file (XML, JSON or an SHDR log; .gz too), - for standard input, or an http(s) URL of an agent request." };
        var shdr = new Option<bool>("--shdr") { Description = "Read the source as an SHDR adapter log." };
        var devices = new Option<FileInfo?>("--devices") { Description = "With --shdr: a Devices.xml (probe) to resolve the log's keys to data items as an agent does; unknown keys are listed." };
        var device = new Option<string?>("--device") { Description = "With --shdr: the device (name, uuid or id) the log's unprefixed keys belong to; default: the first device that is not the Agent." };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for an agent URL to answer.",
            DefaultValueFactory = _ => 30,
        };

        var command = new Command("inspect", Description) { source, shdr, devices, device, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var what = parse.GetValue(source)!;
            try
            {
                var json = parse.GetValue(shdr)
                    ? ShdrInspection.Inspect(what, parse.GetValue(devices), parse.GetValue(device), cancellationToken)
                    : await DocumentSummary.InspectAsync(what, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(json).ConfigureAwait(false);
                return 0;
            }
            catch (InspectException ex)
            {
                await error.WriteLineAsync(OneLine($"{ex.Source}: {ex.Message}")).ConfigureAwait(false);
                return ex.ExitCode;
            }
            catch (MtConnectFormatException ex)
            {
                var where = ex.Line > 0 ? $"{what}:{ex.Line}:{ex.Column}" : what;
                await error.WriteLineAsync(OneLine($"{where}: {KindText(ex.Kind)}: {ex.Message}")).ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }

    private static string KindText(FormatErrorKind kind) => kind switch
    {
        FormatErrorKind.NotMtConnect => "not MTConnect",
        FormatErrorKind.InvalidValue => "invalid value",
        FormatErrorKind.TooLarge => "too large",
        FormatErrorKind.TooDeep => "too deep",
        _ => kind.ToString().ToLowerInvariant(),
    };

    // The line quotes the input (a path, an element name, a value): control characters are escaped so that it cannot
    // drive the terminal (ESC ]0;... retitles it), and it stays one line.
    private static string OneLine(string text) => Printable.Escape(text.ReplaceLineEndings(" "));
}
