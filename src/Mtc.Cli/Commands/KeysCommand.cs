using System.CommandLine;
using System.Globalization;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Keys;

namespace Mtc.Cli.Commands;

/// <summary><c>mtc keys create|list|revoke</c>: the cloud's API keys.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        return new Command("keys", "Cloud API keys: mtc_<id>_<secret>, stored only as a hash, per tenant, with scopes.")
        {
            CreateKey(), ListKeys(), RevokeKey(),
        };
    }

    private static Option<string?> Db() => new("--db") { Description = "The cloud database (as for mtc cloud; default DATABASE_URL, else sqlite:mtc-cloud.db)" };

    private static Command CreateKey()
    {
        var db = Db();
        var tenant = new Option<string>("--tenant") { Description = "The tenant the key belongs to", Required = true };
        var scopes = new Option<string>("--scopes") { Description = $"Comma-separated scopes: {string.Join(", ", Scopes.All)}", Required = true };
        var name = new Option<string>("--name") { Description = "A name to recognise the key by", DefaultValueFactory = _ => "key" };
        var command = new Command("create", "Create a key. The key alone goes to stdout (it is shown only this once); details go to stderr.")
        {
            db, tenant, scopes, name,
        };
        command.SetAction((parse, ct) => CloudCommand.RunGuardedAsync(parse, async () =>
        {
            var list = parse.GetValue(scopes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (row, key) = await ApiKeyAdmin.CreateAsync(CloudCommand.Target(parse, db), parse.GetValue(tenant)!, list,
                parse.GetValue(name)!, TimeProvider.System, ct).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync(key).ConfigureAwait(false);
            await parse.InvocationConfiguration.Error.WriteLineAsync(
                $"created key {row.Id} for tenant {row.Tenant} ({string.Join(",", row.Scopes)}), name '{row.Name}'; store it now, it cannot be shown again")
                .ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command ListKeys()
    {
        var db = Db();
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's keys" };
        var command = new Command("list", "List keys (never their secrets): id, tenant, name, scopes, created, revoked.") { db, tenant };
        command.SetAction((parse, ct) => CloudCommand.RunGuardedAsync(parse, async () =>
        {
            var rows = await ApiKeyAdmin.ListAsync(CloudCommand.Target(parse, db), parse.GetValue(tenant), ct).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync("id\ttenant\tname\tscopes\tcreated\trevoked").ConfigureAwait(false);
            foreach (var r in rows)
            {
                await output.WriteLineAsync(string.Join('\t', r.Id, r.Tenant, r.Name, string.Join(",", r.Scopes),
                    r.CreatedAt.ToString("O", CultureInfo.InvariantCulture), r.RevokedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "-"))
                    .ConfigureAwait(false);
            }
            return 0;
        }));
        return command;
    }

    private static Command RevokeKey()
    {
        var db = Db();
        var id = new Argument<string>("id") { Description = "The key's id (or the whole key)" };
        var command = new Command("revoke", "Revoke a key: requests with it are refused from then on.") { db, id };
        command.SetAction((parse, ct) => CloudCommand.RunGuardedAsync(parse, async () =>
        {
            var revoked = await ApiKeyAdmin.RevokeAsync(CloudCommand.Target(parse, db), parse.GetValue(id)!, TimeProvider.System, ct)
                .ConfigureAwait(false);
            await parse.InvocationConfiguration.Error.WriteLineAsync(revoked ? "revoked" : "no active key with that id").ConfigureAwait(false);
            return revoked ? 0 : 1;
        }));
        return command;
    }
}
