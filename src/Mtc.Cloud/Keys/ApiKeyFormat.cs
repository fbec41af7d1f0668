using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Mtc.Cloud.Keys;

/// <summary>
/// Keys look like <c>mtc_&lt;id&gt;_&lt;secret&gt;</c>: the id finds the stored row, the secret proves the holder.
/// Only SHA-256 of the secret is stored. A fast hash is enough here (unlike for passwords): the secret is
/// 256 random bits, so nobody can guess it from the hash, however many guesses per second a stolen table allows.
/// </summary>
public static class ApiKeyFormat
{
    private const string Prefix = "mtc_";

    /// <summary>Makes a new key: (id, full key text, hash of its secret).</summary>
    public static (string Id, string Key, byte[] SecretHash) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}", Hash(secret));
    }

    /// <summary>Splits a presented key; false when it does not have the key shape.</summary>
    public static bool TryParse(string? text, out string id, out string secret)
    {
        id = secret = "";
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length > 200)
        {
            return false;
        }
        var rest = text.AsSpan(Prefix.Length);
        var split = rest.IndexOf('_');
        if (split <= 0 || split == rest.Length - 1)
        {
            return false;
        }
        id = rest[..split].ToString();
        secret = rest[(split + 1)..].ToString();
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares in constant time, so the time taken tells nothing about how much of the secret matched.</summary>
    public static bool Matches(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);
}
