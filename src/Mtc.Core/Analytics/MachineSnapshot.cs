namespace Mtc.Core.Analytics;

/// <summary>A machine's current state, as the cloud's machine endpoints and the edge's status page show it.</summary>
public sealed record MachineSnapshot
{
    public required string Device { get; init; }

    /// <summary>One of <see cref="MachineStatus"/>.</summary>
    public required string Status { get; init; }
    public DateTime? Since { get; init; }

    /// <summary>The analytics clock: the time of the latest observation counted.</summary>
    public DateTime? At { get; init; }
    public string? Program { get; init; }
    public string? ProgramComment { get; init; }

    /// <summary>The part counter's last value as the control reports it.</summary>
    public long? PartCount { get; init; }

    /// <summary>Parts counted since the analysis began (increments, resets counted from zero).</summary>
    public long TotalParts { get; init; }

    /// <summary>Minutes in the current IDLE interval; 0 when not idle.</summary>
    public double IdleMinutes { get; init; }
    public MachineCycle? LastCycle { get; init; }

    /// <summary>Average duration of the recent cycles (see <see cref="AnalyticsOptions.RecentCycles"/>).</summary>
    public double? AverageCycleSeconds { get; init; }
    public bool CounterOnly { get; init; }

    /// <summary>Seconds counted on the analytics clock since the timeline started.</summary>
    public double SpanSeconds { get; init; }
    public DateTime? TimelineStart { get; init; }
}
