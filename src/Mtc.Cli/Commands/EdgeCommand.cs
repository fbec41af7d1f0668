using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mtc.Edge;

namespace Mtc.Cli.Commands;

/// <summary><c>mtc edge --config edge.json</c>: the edge gateway.</summary>
internal static class EdgeCommand
{
    private const string Description = """
        Runs the edge gateway: collects from MTConnect agents and SHDR adapters, keeps everything in a durable outbox
        (SQLite in Edge:DataDirectory) and delivers it to the cloud exactly once. Serves /health/live, /health/ready,
        /metrics, /api/status and a status page on Edge:Http:Urls. Every setting can be overridden by environment,
        e.g. Edge__Cloud__ApiKey. Every setting: docs/configuration.md.

        Exit codes: 0 stopped normally, 2 invalid configuration (one line on stderr says which setting), 1 other failure.
        """;

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "The JSON config file (its Edge section); relative paths in it are relative to the file." };
        var logFormat = CloudCommand.LogFormatOption();
        var command = new Command("edge", Description) { config, logFormat };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var overrides = parse.GetValue(logFormat) is { } format ? new Dictionary<string, string?>([Mtc.Core.Hosting.ConsoleLogDefaults.Format(format)]) : null;
                await using var app = EdgeHost.Build(parse.GetValue(config), overrides);
                if (Mtc.Core.Hosting.ListenAddresses.FirstInUse(app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.Http.Urls) is { } url)
                {
                    await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc edge: {Mtc.Core.Hosting.ListenAddresses.InUseMessage(url, "Edge:Http:Urls")}")).ConfigureAwait(false);
                    return 1;
                }
                await EdgeHost.RunAsync(app, output, cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is EdgeConfigurationException or FormatException)
            {
                await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc edge: {e.Message.ReplaceLineEndings(" ")}")).ConfigureAwait(false);
                return 2;
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc edge: {e.Message.ReplaceLineEndings(" ")}")).ConfigureAwait(false);
                return 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
        });
        return command;
    }
}
