namespace Mtc.Cloud.Storage;

/// <summary>A tenant's plant time: its time zone and shift calendar.</summary>
internal partial interface ICloudStore
{
    /// <summary>The tenant's stored plant settings; null when it never set them (the defaults apply).</summary>
    Task<PlantSettingsRow?> GetPlantSettingsAsync(string tenant, CancellationToken ct);

    /// <summary>Stores the tenant's plant settings, replacing what it had.</summary>
    Task SavePlantSettingsAsync(string tenant, PlantSettingsRow settings, CancellationToken ct);
}

/// <summary>A tenant's plant settings as stored: the IANA zone id and the shifts as the API's JSON.</summary>
internal sealed record PlantSettingsRow(string TimeZone, string ShiftsJson, DateTimeOffset UpdatedAt);
