namespace Mtc.Cloud.Storage;

/// <summary>The data-protection key ring: a few rows (a new key every 90 days), read whole.</summary>
internal abstract partial class SqlCloudStore
{
    public async Task<IReadOnlyList<string>> GetKeyRingElementsAsync(CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null, "SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name"),
                r => r.GetString(0), ct).ConfigureAwait(false);
        }
    }

    public async Task AddKeyRingElementAsync(string friendlyName, string xml, DateTimeOffset now, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(c, null,
                "INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@n, @x, @c)",
                ("@n", friendlyName), ("@x", xml), ("@c", Normalize(now))), ct).ConfigureAwait(false);
        }
    }
}
