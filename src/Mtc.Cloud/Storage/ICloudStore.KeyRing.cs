namespace Mtc.Cloud.Storage;

/// <summary>The data-protection key ring every cloud host over the database shares (see <c>DataProtection/</c>).</summary>
internal partial interface ICloudStore
{
    /// <summary>Every stored key-ring element (keys and revocations) as XML text, oldest first.</summary>
    Task<IReadOnlyList<string>> GetKeyRingElementsAsync(CancellationToken ct);

    /// <summary>
    /// Adds an element under its friendly name, which is unique (a key's holds its id): hosts creating keys at once add one
    /// row each and read both.
    /// </summary>
    Task AddKeyRingElementAsync(string friendlyName, string xml, DateTimeOffset now, CancellationToken ct);
}
