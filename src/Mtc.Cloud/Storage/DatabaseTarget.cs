using Mtc.Cloud.Storage.Postgres;
using Mtc.Cloud.Storage.Sqlite;
using Npgsql;

namespace Mtc.Cloud.Storage;

/// <summary>
/// Where the cloud keeps its data, from <c>--db</c> or <c>DATABASE_URL</c>: <c>postgres://user:pass@host:port/db</c>
/// (as container hosts give it), an Npgsql keyword string (<c>Host=..;Database=..</c>), or <c>sqlite:PATH</c>.
/// </summary>
public sealed record DatabaseTarget(string Backend, string ConnectionString)
{
    public const string DefaultSqlite = "sqlite:mtc-cloud.db";

    public static DatabaseTarget Parse(string? value)
    {
        var text = string.IsNullOrWhiteSpace(value) ? DefaultSqlite : value.Trim();
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = path[2..];
            }
            if (path.Length == 0 || path.Contains(":memory:", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"'{text}': the SQLite database needs a file path (sqlite:PATH); an in-memory database would lose acknowledged data.");
            }
            return new DatabaseTarget("sqlite", path);
        }
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseTarget("postgres", FromUrl(text));
        }
        if (text.Contains('=', StringComparison.Ordinal))
        {
            try
            {
                return new DatabaseTarget("postgres", new NpgsqlConnectionStringBuilder(text).ConnectionString);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"'{Redact(text)}' is not a valid Npgsql connection string: {e.Message}", e);
            }
        }
        throw new FormatException(
            $"'{Redact(text)}' is not a database: use postgres://user:pass@host:port/db, an Npgsql keyword string or sqlite:PATH.");
    }

    private static string FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"'{Redact(text)}' is not a valid postgres:// URL (postgres://user:pass@host:port/db).");
        }
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                b.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            try
            {
                b[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value;
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"'{Redact(text)}': unknown or invalid option '{key}': {e.Message}", e);
            }
        }
        return b.ConnectionString;
    }

    /// <summary>Hides a password in messages.</summary>
    internal static string Redact(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "(://[^:/@]+:)[^@]*@|(password=)[^;]*", m =>
            m.Groups[1].Success ? m.Groups[1].Value + "***@" : m.Groups[2].Value + "***",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    internal ICloudStore Open() => Backend switch
    {
        "sqlite" => new SqliteStore(ConnectionString),
        _ => new PostgresStore(ConnectionString),
    };

    /// <summary>Applies the migrations this database lacks; returns their versions (<c>mtc db migrate</c>).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct)
    {
        var store = Open();
        await using (store.ConfigureAwait(false))
        {
            return await store.MigrateAsync(ct).ConfigureAwait(false);
        }
    }

    public override string ToString() => Backend == "sqlite" ? "sqlite:" + ConnectionString : "postgres " + Redact(ConnectionString);
}
