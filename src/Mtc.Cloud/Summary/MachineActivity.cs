using System.Text.Json;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Machines;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Summary;

/// <summary>A stretch of time: a setup or an alarm (one still open ends at the machine's last known time).</summary>
internal readonly record struct Span(DateTimeOffset Start, DateTimeOffset End);

/// <summary>Parts counted at one part-count change: the analytics' <c>part</c> event, the source <c>mtc analyze</c> totals too.</summary>
internal readonly record struct PartCount(DateTimeOffset At, long Count);

/// <summary>
/// What a summary reads of one machine over a range, loaded once and then cut into buckets in memory: its timeline (as
/// <c>/timeline</c> shows it, clipped to the range), its setups (derived and declared), alarms, parts and ended cycles.
/// </summary>
internal sealed record MachineActivity(
    IReadOnlyList<TimelineApi.Segment> Timeline,
    IReadOnlyList<Span> Setups,
    IReadOnlyList<Span> Alarms,
    IReadOnlyList<PartCount> Parts,
    IReadOnlyList<CycleRow> Cycles)
{
    private static readonly string[] Types = ["status", "setup", "alarm", "part"];
    private static readonly string[] Declared = [SetupsApi.DeclaredStart, SetupsApi.DeclaredEnd];

    public static async Task<MachineActivity> LoadAsync(
        ICloudStore store, string tenant, string machineId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var range = new TimeRange(from, to);
        // Only what touches the range (declared setups over all time, to pair them), not the machine's whole history.
        var rows = await store.GetMachineEventsTouchingAsync(tenant, machineId, Types, Declared, from, to, ct).ConfigureAwait(false);
        var lastKnown = await store.LastKnownTimeAsync(tenant, machineId, ct).ConfigureAwait(false);
        var timeline = TimelineApi.Segments(rows, range, lastKnown);
        var setups = SetupsApi.Merge(rows.Where(r => r.Type is "setup" or SetupsApi.DeclaredStart or SetupsApi.DeclaredEnd).ToList()).Items
            .Select(s => new Span(s.Start, s.End ?? OpenEnd(s.Start, lastKnown))).ToList();
        var alarms = rows.Where(r => r.Type == "alarm").Select(r => new Span(r.Start, r.End ?? OpenEnd(r.Start, lastKnown))).ToList();
        var parts = rows.Where(r => r.Type == "part" && r.Start >= from).Select(r => new PartCount(r.Start, Count(r.DataJson))).ToList();
        var cycles = await store.GetCyclesAsync(tenant, machineId, range, null, int.MaxValue, false, ct).ConfigureAwait(false);
        return new MachineActivity(timeline, setups, alarms, parts, cycles);
    }

    /// <summary>Where something still open ends for now: the machine's last known time, or nowhere past its start.</summary>
    private static DateTimeOffset OpenEnd(DateTimeOffset start, DateTimeOffset? lastKnown) =>
        lastKnown is { } k && k > start ? k : start;

    private static long Count(string? dataJson) =>
        CloudJson.Element(dataJson) is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("count", out var v)
            && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
