using System.Data.Common;

namespace Mtc.Cloud.Storage;

internal abstract partial class SqlCloudStore
{
    private const string KeyColumns = "id, tenant, name, scopes, secret_hash, created_at, revoked_at";

    public async Task CreateKeyAsync(ApiKeyRow key, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(c, null,
                "INSERT INTO api_keys (id, tenant, name, scopes, secret_hash, created_at) VALUES (@id, @t, @n, @s, @h, @c)",
                ("@id", key.Id), ("@t", key.Tenant), ("@n", key.Name), ("@s", string.Join(',', key.Scopes)),
                ("@h", key.SecretHash), ("@c", Normalize(key.CreatedAt))), ct).ConfigureAwait(false);
        }
    }

    public async Task<ApiKeyRow?> FindKeyAsync(string id, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null, $"SELECT {KeyColumns} FROM api_keys WHERE id = @id", ("@id", id)), ReadKey, ct)
                .ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    public async Task<IReadOnlyList<ApiKeyRow>> ListKeysAsync(string? tenant, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var where = tenant is null ? "" : "WHERE tenant = @t";
            return await QueryAsync(Command(c, null,
                $"SELECT {KeyColumns} FROM api_keys {where} ORDER BY tenant, created_at, id", ("@t", tenant ?? "")),
                ReadKey, ct).ConfigureAwait(false);
        }
    }

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var n = await ExecuteAsync(Command(c, null,
                "UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", ("@id", id), ("@now", Normalize(now))), ct)
                .ConfigureAwait(false);
            return n > 0;
        }
    }

    public async Task CreateSignInLinkAsync(
        byte[] tokenHash, string tenant, string keyId, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(c, null,
                "INSERT INTO sign_in_links (token_hash, tenant, key_id, created_at, expires_at) VALUES (@h, @t, @k, @c, @e)",
                ("@h", tokenHash), ("@t", tenant), ("@k", keyId), ("@c", Normalize(createdAt)), ("@e", Normalize(expiresAt))), ct).ConfigureAwait(false);
        }
    }

    public async Task<string?> UseSignInLinkAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                "UPDATE sign_in_links SET used_at = @now WHERE token_hash = @h AND used_at IS NULL AND expires_at > @now RETURNING tenant",
                ("@h", tokenHash), ("@now", Normalize(now))), r => r.GetString(0), ct).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    private ApiKeyRow ReadKey(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries),
        (byte[])r.GetValue(4),
        ReadTime(r, 5),
        Time(r, 6));
}
