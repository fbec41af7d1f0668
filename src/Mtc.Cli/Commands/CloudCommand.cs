using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mtc.Cloud;
using Mtc.Cloud.Hosting;
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

    internal static Option<string?> LogFormatOption() => new("--log-format")
    {
        Description = "simple (one line per entry with the UTC time, the default) or json (one JSON object per line, for log collectors); "
            + "the setting Logging:Console:FormatterName",
        HelpName = "simple|json",
    };

    internal static DatabaseTarget Target(ParseResult parse, Option<string?> db) =>
        DatabaseTarget.Parse(parse.GetValue(db) ?? Environment.GetEnvironmentVariable("DATABASE_URL"));

    public static Command Create()
    {
        var db = DbOption();
        var urls = new Option<string?>("--urls") { Description = "Where to listen, e.g. http://0.0.0.0:8080 (default: PORT on every interface, else http://localhost:5000)" };
        var logFormat = LogFormatOption();
        var command = new Command("cloud", "The cloud API: exactly-once edge ingest and the external API (/api/ext/*), OpenAPI at /openapi/v1.json, docs at /docs. "
            + "Further settings as --Cloud:Name=value (e.g. --Cloud:RateLimitPerSecond=50; the event bus: --Cloud:Bus:Mqtt:Enabled=true, see docs/bus.md), "
            + "every one in docs/configuration.md; an unknown option or setting exits 2 naming it.")
        {
            db, urls, logFormat,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            return await RunGuardedAsync(parse, async () =>
            {
                var app = CloudApp.Create([.. HostArgs(parse, db, urls, logFormat)]);
                await using (app.ConfigureAwait(false))
                {
                    EnsureAddressesFree(app);
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

    /// <summary>
    /// The host's arguments: the settings given as --Cloud:Name=value (or --Alerts:..., --Logging:...), then --db, --urls
    /// and --log-format when given. Anything else is an unknown option (a <see cref="FormatException"/>, exit 2).
    /// </summary>
    internal static List<string> HostArgs(ParseResult parse, Option<string?> db, Option<string?> urls, Option<string?> logFormat)
    {
        var args = new List<string>(parse.UnmatchedTokens);
        var unknown = UnknownOptions(args);
        if (unknown.Count > 0)
        {
            throw new FormatException($"unknown option{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown)} "
                + $"(see mtc {parse.CommandResult.Command.Name} --help; settings are given as --Cloud:Name=value).");
        }
        if (parse.GetValue(logFormat) is { } format)
        {
            var (key, value) = Mtc.Core.Hosting.ConsoleLogDefaults.Format(format);
            args.Add($"--{key}={value}");
        }
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

    /// <summary>Where the host will listen (--urls, PORT, else the web server's default) must be free: else one line, exit 1.</summary>
    internal static void EnsureAddressesFree(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        if (Mtc.Core.Hosting.ListenAddresses.FirstInUse(app.Configuration["urls"] ?? "http://localhost:5000") is { } url)
        {
            throw new IOException(Mtc.Core.Hosting.ListenAddresses.InUseMessage(url, "--urls or PORT"),
                new Microsoft.AspNetCore.Connections.AddressInUseException(url));
        }
    }

    /// <summary>Settings roots a command line may set besides the options: the cloud's sections and the host's logging.</summary>
    private static readonly string[] SettingRoots = ["Cloud", "Alerts", "Logging"];

    private static List<string> UnknownOptions(List<string> tokens)
    {
        var unknown = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var name = token.StartsWith("--", StringComparison.Ordinal) ? token[2..].Split('=', 2)[0] : null;
            var root = name?.Split(':', 2) is [var r, _] ? r : null;
            if (root is null || !SettingRoots.Contains(root, StringComparer.OrdinalIgnoreCase))
            {
                unknown.Add(token);
            }
            else if (!token.Contains('=', StringComparison.Ordinal))
            {
                i++; // --Cloud:Name value
            }
        }
        return unknown;
    }

    /// <summary>Bad settings exit 2 with one line; an address already in use or an unreachable database exits 1.</summary>
    internal static async Task<int> RunGuardedAsync(ParseResult parse, Func<Task<int>> run)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OptionsValidationException or CloudSettingsException)
        {
            await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc {parse.CommandResult.Command.Name}: {e.Message.ReplaceLineEndings(" ")}")).ConfigureAwait(false);
            return 2;
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc {parse.CommandResult.Command.Name}: {e.Message.ReplaceLineEndings(" ")}")).ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is NpgsqlException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            await error.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"database error: {e.Message.ReplaceLineEndings(" ")}")).ConfigureAwait(false);
            return 1;
        }
    }
}
