using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Mtc.Cloud;

namespace Mtc.Cli.Commands;

/// <summary><c>mtc worker</c>: the notification worker alone, over the same database as <c>mtc cloud</c>.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var db = new Option<string?>("--db")
        {
            Description = "postgres://user:pass@host:port/db, an Npgsql keyword string, or sqlite:PATH (default: DATABASE_URL, else sqlite:mtc-cloud.db)",
        };
        var urls = new Option<string?>("--urls") { Description = "Where /health/live, /health/ready and /metrics listen (default: PORT on every interface, else http://localhost:5000)" };
        var logFormat = CloudCommand.LogFormatOption();
        var command = new Command("worker", "The notification worker: fans events out to webhook subscriptions and delivers them, signed, with retries, "
            + "and publishes them to the configured MQTT Unified Namespace and NATS JetStream (--Cloud:Bus:*, see docs/bus.md). "
            + "Shares the work with every other worker and cloud host on the same database. Further settings as --Cloud:Name=value "
            + "(e.g. --Cloud:Webhooks:TimeoutSeconds=5), every one in docs/configuration.md; an unknown option or setting exits 2 naming it.")
        {
            db, urls, logFormat,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            return await CloudCommand.RunGuardedAsync(parse, async () =>
            {
                var app = WorkerApp.Create([.. CloudCommand.HostArgs(parse, db, urls, logFormat)]);
                await using (app.ConfigureAwait(false))
                {
                    CloudCommand.EnsureAddressesFree(app);
                    await app.StartAsync(ct).ConfigureAwait(false);
                    await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
                }
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
