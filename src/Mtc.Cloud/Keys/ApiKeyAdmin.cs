using Mtc.Cloud.Auth;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Keys;

/// <summary>Creating, listing and revoking keys (used by <c>mtc keys</c> and by tests).</summary>
public static class ApiKeyAdmin
{
    /// <summary>Creates a key and returns its full text: the only time the secret exists outside its holder.</summary>
    public static async Task<(ApiKeyRow Row, string Key)> CreateAsync(
        DatabaseTarget db, string tenant, IReadOnlyList<string> scopes, string name, TimeProvider time, CancellationToken ct)
    {
        ValidateTenant(tenant);
        if (scopes.Count == 0)
        {
            throw new ArgumentException($"Give at least one scope ({string.Join(", ", Scopes.All)}).");
        }
        foreach (var scope in scopes)
        {
            if (!Scopes.IsKnown(scope))
            {
                throw new ArgumentException($"Unknown scope '{scope}': use {string.Join(", ", Scopes.All)}.");
            }
        }
        var store = db.Open();
        await using (store.ConfigureAwait(false))
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            var (id, key, hash) = ApiKeyFormat.Generate();
            var row = new ApiKeyRow(id, tenant, name, scopes.Distinct(StringComparer.Ordinal).ToList(), hash, time.GetUtcNow(), null);
            await store.CreateKeyAsync(row, ct).ConfigureAwait(false);
            return (row, key);
        }
    }

    /// <summary>
    /// A one-time link under <paramref name="baseUrl"/> that signs a browser in to <paramref name="tenant"/>'s pages
    /// (<c>ui:read</c>) once within ten minutes, as <c>POST /api/ext/sign-in-links</c> makes it.
    /// </summary>
    public static async Task<(string Url, DateTimeOffset ExpiresAt)> CreateSignInLinkAsync(
        DatabaseTarget db, string tenant, string baseUrl, TimeProvider time, CancellationToken ct)
    {
        ValidateTenant(tenant);
        var store = db.Open();
        await using (store.ConfigureAwait(false))
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            var link = await Pages.SignInLinks.IssueAsync(store, baseUrl, tenant, "", time.GetUtcNow(), ct).ConfigureAwait(false);
            return (link.Url, link.ExpiresAt);
        }
    }

    public static async Task<IReadOnlyList<ApiKeyRow>> ListAsync(DatabaseTarget db, string? tenant, CancellationToken ct)
    {
        var store = db.Open();
        await using (store.ConfigureAwait(false))
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            return await store.ListKeysAsync(tenant, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Revokes by key id (or by the full key text); false when no active key has that id.</summary>
    public static async Task<bool> RevokeAsync(DatabaseTarget db, string idOrKey, TimeProvider time, CancellationToken ct)
    {
        var id = ApiKeyFormat.TryParse(idOrKey, out var parsed, out _) ? parsed : idOrKey;
        var store = db.Open();
        await using (store.ConfigureAwait(false))
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            return await store.RevokeKeyAsync(id, time.GetUtcNow(), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Tenant ids: 1–64 letters, digits, '-', '_' or '.'.</summary>
    public static void ValidateTenant(string tenant)
    {
        if (tenant.Length is 0 or > 64 || !tenant.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
        {
            throw new ArgumentException($"'{tenant}' is not a tenant id: use 1-64 letters, digits, '-', '_' or '.'.");
        }
    }
}
