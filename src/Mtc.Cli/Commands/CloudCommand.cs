using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mtc.Cloud;
using Mtc.Cloud.Storage;
using Npgsql;

namespace Mtc.Cli.Commands;

/// <summary>
/// <c>mtc cloud</c> (the cloud API host), <c>mtc db migrate</c> and <c>mtc keys create|list|revoke</c>.
/// The database comes from <c>--db</c>, else <c>DATABASE_URL</c>, else an SQLite file in the current folder.
/// </summary>
internal static class CloudCommand
{
    private static Option<string?> DbOption() => new("--db")
    {
        Description = "postgres://user:pass@host:port/db, an Npgsql keyword string, or sqlite:PATH (default: DATABASE_URL, else sqlite:mtc-cloud.db)",
    };

    internal static DatabaseTarget Target(ParseResult parse, Option<string?> db) =>
        DatabaseTarget.Parse(parse.GetValue(db) ?? Environment.GetEnvironmentVariable("DATABASE_URL"));

    public static Command Create()
    {
        var db = DbOption();
        var urls = new Option<string?>("--urls") { Description = "Where to listen, e.g. http://0.0.0.0:8080 (default: PORT on every interface, else http://localhost:5000)" };
        var command = new Command("cloud", "The cloud API: exactly-once edge ingest and the external API (/api/ext/*), OpenAPI at /openapi/v1.json, docs at /docs. "
            + "Further settings as --Cloud:Name=value (e.g. --Cloud:RateLimitPerSecond=50; the event bus: --Cloud:Bus:Mqtt:Enabled=true, see docs/bus.md).")
        {
            db, urls,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var args = HostArgs(parse, db, urls);
            return await RunGuardedAsync(parse, async () =>
            {
                var app = CloudApp.Create([.. args]);
                await using (app.ConfigureAwait(false))
                {
                    await app.StartAsync(ct).ConfigureAwait(false);
                    await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
                }
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    public static Command CreateDb()
    {
        var db = DbOption();
        var migrate = new Command("migrate", "Apply the database migrations not applied yet (the cloud also does this when it starts).") { db };
        migrate.SetAction((parse, ct) => RunGuardedAsync(parse, async () =>
        {
            var target = Target(parse, db);
            var applied = await target.MigrateAsync(ct).ConfigureAwait(false);
            await parse.InvocationConfiguration.Error.WriteLineAsync(applied.Count == 0
                ? $"{target}: up to date"
                : $"{target}: applied migrations {string.Join(", ", applied)}").ConfigureAwait(false);
            return 0;
        }));
        return new Command("db", "Cloud database maintenance.") { migrate };
    }

    /// <summary>Bad settings exit 2 with one line; an unreachable database exits 1.</summary>
    /// <summary>The host's arguments: the settings given as --Cloud:Name=value, then --db and --urls when given.</summary>
    internal static List<string> HostArgs(ParseResult parse, Option<string?> db, Option<string?> urls)
    {
        var args = new List<string>(parse.UnmatchedTokens);
        if (parse.GetValue(db) is { } d)
        {
            args.AddRange(["--db", d]);
        }
        if (parse.GetValue(urls) is { } u)
        {
            args.AddRange(["--urls", u]);
        }
        return args;
    }

    internal static async Task<int> RunGuardedAsync(ParseResult parse, Func<Task<int>> run)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OptionsValidationException)
        {
            await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape(e.Message.ReplaceLineEndings(" "))).ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is NpgsqlException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"database error: {e.Message.ReplaceLineEndings(" ")}")).ConfigureAwait(false);
            return 1;
        }
    }
}
