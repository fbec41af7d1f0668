using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Auth;

/// <summary>
/// Checks a presented key with the same work whether its id exists or not, so that the time of a refusal does not tell
/// which ids exist: one lookup through the key cache (an id that has no key is cached as absent, as a row is) and one
/// hash of the presented secret compared in constant time (against a hash no secret has when the id is unknown).
/// The cache holds at most <see cref="MaxCachedIds"/> ids, so that a flood of made-up ids cannot fill memory.
/// </summary>
internal sealed class ApiKeyVerifier(ICloudStore store, IOptions<CloudOptions> options) : IDisposable
{
    public const int MaxCachedIds = 100_000;

    /// <summary>A hash of 32 random bytes nobody knows: a secret presented for an unknown id is compared with it.</summary>
    private static readonly byte[] NoKeyHash = SHA256.HashData(RandomNumberGenerator.GetBytes(32));

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxCachedIds });
    private long _hashes;

    /// <summary>How many presented secrets were hashed (one per verification, whichever way it ends).</summary>
    public long HashesComputed => Interlocked.Read(ref _hashes);

    /// <summary>The key's row when the id exists and the secret is its own (revoked or not); null otherwise.</summary>
    public async Task<ApiKeyRow?> VerifyAsync(string id, string secret, CancellationToken ct)
    {
        var row = await FindAsync(id, ct).ConfigureAwait(false);
        Interlocked.Increment(ref _hashes);
        var matches = ApiKeyFormat.Matches(secret, row?.SecretHash ?? NoKeyHash);
        return matches && row is not null ? row : null;
    }

    private async Task<ApiKeyRow?> FindAsync(string id, CancellationToken ct)
    {
        var seconds = options.Value.KeyCacheSeconds;
        if (seconds > 0 && _cache.TryGetValue(id, out Lookup? cached))
        {
            return cached!.Row;
        }
        var row = await store.FindKeyAsync(id, ct).ConfigureAwait(false);
        if (seconds > 0)
        {
            _cache.Set(id, new Lookup(row), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(seconds) });
        }
        return row;
    }

    public void Dispose() => _cache.Dispose();

    private sealed record Lookup(ApiKeyRow? Row);
}
