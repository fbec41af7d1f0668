using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Mtc.Cloud.Summary;

/// <summary>How the cycles that started in a range ended (the analytics' completion); <c>other</c> counts any other or no value.</summary>
internal sealed record CycleCounts(long Completed, long Aborted, long Partial, long Other);

/// <summary>
/// Production numbers over [from, to). Times are clipped to the range; <c>elapsedSeconds</c> is the part of the range that
/// has passed (up to the cloud's now), per machine; <c>utilization</c> is ACTIVE seconds over elapsed (null when nothing
/// elapsed). Cycles, parts and alarms are those that started in the range; <c>alarmSeconds</c> is the time with at least one
/// alarm open and <c>setupSeconds</c> the time inside a derived or declared setup.
/// </summary>
internal record Kpis
{
    /// <summary>The shift a shift bucket is an occurrence of; left out everywhere else.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Shift { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required double ElapsedSeconds { get; init; }

    /// <summary>Seconds per status as the timeline names them (IDLE inside a declared setup is SETUP); every known status listed.</summary>
    public required IReadOnlyDictionary<string, double> SecondsByStatus { get; init; }
    public required double? Utilization { get; init; }
    public required long Parts { get; init; }
    public required CycleCounts Cycles { get; init; }
    public required double? MeanCycleSeconds { get; init; }
    public required double? MedianCycleSeconds { get; init; }

    /// <summary>The duration of the cycle that started last in the range (of any machine); null when none did.</summary>
    public required double? LastCycleSeconds { get; init; }
    public required long AlarmCount { get; init; }
    public required double AlarmSeconds { get; init; }
    public required double SetupSeconds { get; init; }
}

/// <summary>A machine's numbers over the range, and per bucket when asked for.</summary>
internal sealed record MachineSummary : Kpis
{
    [SetsRequiredMembers]
    public MachineSummary(string machineId, Kpis totals, IReadOnlyList<Kpis>? buckets)
        : base(totals)
    {
        MachineId = machineId;
        Buckets = buckets;
    }

    public string MachineId { get; init; }
    /// <summary>Listed last, after the range's own numbers.</summary>
    [JsonPropertyOrder(1)]
    public IReadOnlyList<Kpis>? Buckets { get; init; }
}

/// <summary>The numbers over all of a tenant's machines: sums, utilization of the totals, the median over every cycle.</summary>
internal sealed record FleetSummary : Kpis
{
    [SetsRequiredMembers]
    public FleetSummary(int machines, Kpis totals, IReadOnlyList<Kpis>? buckets, IReadOnlyList<MachineSummary>? byMachine)
        : base(totals)
    {
        Machines = machines;
        Buckets = buckets;
        ByMachine = byMachine;
    }

    public int Machines { get; init; }

    /// <summary>Each machine's numbers over the range (without buckets) when asked for with <c>byMachine=true</c>; null otherwise.</summary>
    [JsonPropertyOrder(1)]
    public IReadOnlyList<MachineSummary>? ByMachine { get; init; }
    /// <summary>Listed last, after the range's own numbers.</summary>
    [JsonPropertyOrder(1)]
    public IReadOnlyList<Kpis>? Buckets { get; init; }
}
