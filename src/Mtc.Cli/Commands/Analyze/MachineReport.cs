using Mtc.Core.Analytics;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Analyze;

/// <summary>What <c>mtc analyze</c> reports for one machine.</summary>
internal sealed record MachineReport(
    string Device,
    string? Uuid,
    long Parts,
    IReadOnlyDictionary<string, double> StatusSeconds,
    IReadOnlyList<MachineCycle> Cycles,
    IReadOnlyList<SetupPeriod> Setups,
    IReadOnlyList<AlarmPeriod> Alarms,
    MachineSnapshot Snapshot,
    long Observations,
    long Duplicates,
    int Lines,
    int MalformedLines,
    long SkippedEntries)
{
    public static MachineReport Create(Device device, MachineAnalyzer analyzer, IReadOnlyList<MachineEvent> events, ShdrDeviceFeed feed) => new(
        device.Name ?? device.Id ?? "device",
        device.Uuid,
        analyzer.Snapshot().TotalParts,
        analyzer.StatusSeconds(),
        events.OfType<MachineCycle>().OrderBy(c => c.StartSequence).ToList(),
        events.OfType<SetupPeriod>().OrderBy(s => s.StartSequence).ToList(),
        events.OfType<AlarmPeriod>().OrderBy(a => a.StartSequence).ToList(),
        analyzer.Snapshot(),
        analyzer.Observations,
        analyzer.Duplicates,
        feed.Lines,
        feed.MalformedLines,
        feed.SkippedEntries);
}
