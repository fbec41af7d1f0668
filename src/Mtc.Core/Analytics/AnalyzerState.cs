namespace Mtc.Core.Analytics;

/// <summary>
/// Everything a <see cref="MachineAnalyzer"/> knows about one machine, as plain data. The edge saves it
/// (<see cref="MachineAnalyzer.SaveState"/>, JSON) in the same transaction as its cursor and the records it
/// derived, and restores it after a crash: the analytics then continue exactly where they stopped.
/// Times are UTC; "ticks" are positions on the analytics clock (100 ns units of counted time).
/// </summary>
internal sealed class AnalyzerState
{
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;
    public string DeviceKey { get; set; } = "";
    public string? InstanceId { get; set; }
    public bool Started { get; set; }
    public bool Finished { get; set; }
    public long LastSequence { get; set; }
    public long Observations { get; set; }
    public long Duplicates { get; set; }

    // The analytics clock
    public DateTime Clock { get; set; }
    public long Ticks { get; set; }
    public bool Opening { get; set; } = true;

    /// <summary>In the opening snapshot: a live (not UNAVAILABLE) value was seen at the clock's current time.</summary>
    public bool OpeningLive { get; set; }
    public DateTime TimelineStart { get; set; }
    public long CurrentSequence { get; set; }

    /// <summary>Timestamp of the last observation: a different one ends its timestamp group.</summary>
    public DateTime GroupTime { get; set; }

    // Latest values of the items the rules read
    public string? Execution { get; set; }
    public long ExecutionLiveOrder { get; set; }
    public string? SettledExecution { get; set; }
    public bool ExecutionGap { get; set; }
    public string? ControllerMode { get; set; }
    public string? FunctionalMode { get; set; }
    public string? Availability { get; set; }
    public long AvailabilityOrder { get; set; }
    public string? Program { get; set; }
    public string? ProgramComment { get; set; }
    public string? EmergencyStop { get; set; }
    public long? PartCounter { get; set; }
    public bool PartCounterLive { get; set; }
    public long PartCounterLiveOrder { get; set; }
    public long TotalParts { get; set; }

    // Derived state
    public OpenInterval? Status { get; set; }
    public Dictionary<string, long> StatusTicks { get; set; } = [];
    public OpenCycle? Cycle { get; set; }

    /// <summary>Execution went ACTIVE but no cycle could open yet (no program, a manual mode): decided at the end of the timestamp group, or when a program or mode arrives.</summary>
    public PendingCycleStart? PendingCycle { get; set; }
    public MachineCycle? HeldCycle { get; set; }
    public long HeldCycleEndTicks { get; set; }
    public MachineCycle? LastCycle { get; set; }
    public List<double> RecentCycleSeconds { get; set; } = [];
    public List<OpenAlarm> Alarms { get; set; } = [];
    public OpenInterval? DeclaredSetup { get; set; }
    public OpenInterval? DerivedSetup { get; set; }
    public string? DerivedSetupPendingCycle { get; set; }

    // Counter-only machines
    public bool CounterActive { get; set; }
    public DateTime LastIncrement { get; set; }
    public long LastIncrementTicks { get; set; }
    public long LastIncrementSequence { get; set; }
    public string? LastIncrementInstance { get; set; }

    /// <summary>The clock stepped back since the last increment: the next one starts the clock again without a cycle.</summary>
    public bool CounterSuspended { get; set; }

    /// <summary>Derived events not yet taken by <see cref="MachineAnalyzer.TakeEvents"/>.</summary>
    public List<MachineEvent> Pending { get; set; } = [];
}

/// <summary>Where something open started: wall time, clock ticks, and the observation that opened it.</summary>
internal sealed class OpenInterval
{
    public string Kind { get; set; } = "";
    public DateTime Start { get; set; }
    public long StartTicks { get; set; }
    public long StartSequence { get; set; }
    public string? InstanceId { get; set; }
    public string? Program { get; set; }

    /// <summary>Sent as an open event (<see cref="MachineAnalyzer.TakeOpenEvents"/>).</summary>
    public bool Announced { get; set; }
}

internal sealed class OpenCycle
{
    public OpenInterval Origin { get; set; } = new();
    public string? Program { get; set; }
    public bool StartObserved { get; set; }

    /// <summary>Execution value inside the cycle since <see cref="ExecutionSinceTicks"/>.</summary>
    public string Execution { get; set; } = "";
    public long ExecutionSinceTicks { get; set; }
    public long ActiveTicks { get; set; }

    /// <summary>The machine status is ALARM since <see cref="ExecutionSinceTicks"/>: that time is interrupted, not active.</summary>
    public bool InAlarm { get; set; }
    public long Parts { get; set; }

    // First part counted inside the cycle: a second increment splits the cycle there (programs looping on M99).
    public DateTime PartAt { get; set; }
    public long PartTicks { get; set; }
    public long PartSequence { get; set; }
    public string? PartInstance { get; set; }
    public long ActiveTicksAtPart { get; set; }

    // Source gone (execution UNAVAILABLE, agent restart, clock reset) while the cycle ran.
    public bool Suspended { get; set; }
    public DateTime SuspendedAt { get; set; }
    public long SuspendedTicks { get; set; }
}

internal sealed class PendingCycleStart
{
    public OpenInterval Origin { get; set; } = new();
    public bool StartObserved { get; set; }
}

internal sealed class OpenAlarm
{
    public OpenInterval Origin { get; set; } = new();
    public string DataItemId { get; set; } = "";
    public string NativeCode { get; set; } = "";
    public string Level { get; set; } = "";
    public string HighestLevel { get; set; } = "";
    public string? Message { get; set; }
    public string? NativeSeverity { get; set; }
    public string? ConditionType { get; set; }
}
