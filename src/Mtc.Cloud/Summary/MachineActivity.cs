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

    /// <summary>Nothing: the activity of a stretch no row can touch.</summary>
    public static readonly MachineActivity Empty = new([], [], [], [], []);
    private static readonly string[] Declared = [SetupsApi.DeclaredStart, SetupsApi.DeclaredEnd];

    /// <summary>
    /// The activity of each machine, in the order given, read for all of them at once: three queries however many machines
    /// (only what touches the range: declared setups over all time, to pair them, not the machines' whole history).
    /// <paramref name="lastKnownTimes"/>: the machines' last known times when the caller read them already.
    /// </summary>
    public static async Task<IReadOnlyList<MachineActivity>> LoadManyAsync(
        ICloudStore store, string tenant, IReadOnlyList<string> machineIds, DateTimeOffset from, DateTimeOffset to, CancellationToken ct,
        IReadOnlyDictionary<string, DateTimeOffset>? lastKnownTimes = null)
    {
        var range = new TimeRange(from, to);
        // Three reads at once, each on its own connection.
        var eventsRead = store.GetEventsTouchingAsync(tenant, machineIds, Types, Declared, from, to, ct);
        var cyclesRead = store.GetCyclesOfMachinesAsync(tenant, machineIds, from, to, ct);
        var lastKnown = lastKnownTimes ?? await store.GetLastKnownTimesAsync(tenant, machineIds, ct).ConfigureAwait(false);
        var events = (await eventsRead.ConfigureAwait(false)).ToLookup(r => r.MachineId ?? "", StringComparer.Ordinal);
        var cycles = (await cyclesRead.ConfigureAwait(false)).ToLookup(c => c.MachineId, c => c.Cycle, StringComparer.Ordinal);
        return machineIds.Select(id => Build(events[id].ToList(), cycles[id].ToList(), lastKnown.TryGetValue(id, out var k) ? k : null, range))
            .ToList();
    }

    private static MachineActivity Build(List<EventRow> rows, List<CycleRow> cycles, DateTimeOffset? lastKnown, TimeRange range)
    {
        var from = range.From!.Value;
        var timeline = TimelineApi.Segments(rows, range, lastKnown);
        var setups = SetupsApi.Merge(rows.Where(r => r.Type is "setup" or SetupsApi.DeclaredStart or SetupsApi.DeclaredEnd).ToList()).Items
            .Select(s => new Span(s.Start, s.End ?? OpenEnd(s.Start, lastKnown))).ToList();
        var alarms = rows.Where(r => r.Type == "alarm").Select(r => new Span(r.Start, r.End ?? OpenEnd(r.Start, lastKnown))).ToList();
        var parts = rows.Where(r => r.Type == "part" && r.Start >= from).Select(r => new PartCount(r.Start, Count(r.DataJson))).ToList();
        return new MachineActivity(timeline, setups, alarms, parts, cycles);
    }

    /// <summary>Where something still open ends for now: the machine's last known time, or nowhere past its start.</summary>
    private static DateTimeOffset OpenEnd(DateTimeOffset start, DateTimeOffset? lastKnown) =>
        lastKnown is { } k && k > start ? k : start;

    private static long Count(string? dataJson) =>
        CloudJson.Element(dataJson) is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("count", out var v)
            && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
