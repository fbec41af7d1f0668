namespace Mtc.Cloud.Storage;

/// <summary>
/// Summaries' numbers per machine and quarter hour (15 minutes) or hour (60, the sum of its four quarters), kept once computed.
/// A change to a machine's events or cycles removes its quarters and hours from the hour before the change's start on and steps the machine's generation (the schema's triggers do both), so a
/// quarter is stored only by a reader that computed it from rows no later change has touched.
/// </summary>
internal partial interface ICloudStore
{
    /// <summary>
    /// Each machine's generation (read before the rows a reader computes from) and its quarters and hours starting in
    /// [from, to); with <paramref name="hours"/>, its hours in that span and, inside it, no quarters.
    /// </summary>
    Task<SummaryQuartersRead> GetSummaryQuartersAsync(
        string tenant, IReadOnlyList<string> machineIds, DateTimeOffset from, DateTimeOffset to, CancellationToken ct,
        (DateTimeOffset From, DateTimeOffset To)? hours = null);

    /// <summary>
    /// Stores quarters of each machine whose generation is still the one given; the others' are left out. Returns how many
    /// quarters were stored.
    /// </summary>
    Task<int> PutSummaryQuartersAsync(string tenant, IReadOnlyList<SummaryQuartersWrite> machines, CancellationToken ct);
}

/// <summary>What <see cref="ICloudStore.GetSummaryQuartersAsync"/> read.</summary>
internal sealed record SummaryQuartersRead(
    IReadOnlyDictionary<string, long> Generations, IReadOnlyList<(string MachineId, DateTimeOffset Start, int Minutes, string Tally)> Quarters);

/// <summary>Quarters of one machine computed at generation <paramref name="Generation"/>.</summary>
internal sealed record SummaryQuartersWrite(string MachineId, long Generation, IReadOnlyList<(DateTimeOffset Start, int Minutes, string Tally)> Quarters);
