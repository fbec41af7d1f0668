namespace Mtc.Cloud.Storage;

/// <summary>Plant settings: one row per tenant, written whole.</summary>
internal abstract partial class SqlCloudStore
{
    public async Task<PlantSettingsRow?> GetPlantSettingsAsync(string tenant, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                "SELECT time_zone, shifts, updated_at FROM plant_settings WHERE tenant = @t", ("@t", tenant)),
                r => new PlantSettingsRow(r.GetString(0), r.GetString(1), ReadTime(r, 2)), ct).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    public async Task SavePlantSettingsAsync(string tenant, PlantSettingsRow settings, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await ExecuteAsync(Command(c, null,
                "INSERT INTO plant_settings (tenant, time_zone, shifts, updated_at) VALUES (@t, @z, @s, @at) " +
                "ON CONFLICT (tenant) DO UPDATE SET time_zone = excluded.time_zone, shifts = excluded.shifts, updated_at = excluded.updated_at",
                ("@t", tenant), ("@z", settings.TimeZone), ("@s", settings.ShiftsJson), ("@at", Normalize(settings.UpdatedAt))), ct)
                .ConfigureAwait(false);
        }
    }
}
