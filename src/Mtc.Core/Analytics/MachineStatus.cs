namespace Mtc.Core.Analytics;

/// <summary>Machine status names as they appear in outputs and on the wire.</summary>
public static class MachineStatus
{
    public const string Active = "ACTIVE";
    public const string Idle = "IDLE";
    public const string Setup = "SETUP";
    public const string Alarm = "ALARM";
    public const string Offline = "OFFLINE";

    /// <summary>Every status, in the order reports list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Active, Idle, Setup, Alarm, Offline];
}

/// <summary>How a cycle ended.</summary>
public static class CycleCompletion
{
    /// <summary>Ended by PROGRAM_COMPLETED, READY or a part-count increment.</summary>
    public const string Completed = "completed";

    /// <summary>Ended by STOPPED or a program change, with no part counted.</summary>
    public const string Aborted = "aborted";

    /// <summary>Its start or its end was not observed (opening snapshot, source gone, end of input).</summary>
    public const string Partial = "partial";
}

/// <summary>Where a setup comes from.</summary>
public static class SetupSource
{
    /// <summary>The control declared it (FUNCTIONAL_MODE = SETUP), or an operator through the API.</summary>
    public const string Declared = "declared";

    /// <summary>Inferred: a program change in a manual or edit mode, until the next completed cycle.</summary>
    public const string Derived = "derived";
}

/// <summary>Kinds of derived event, as on the wire (<c>derivedEvent.event.type</c>).</summary>
public static class MachineEventType
{
    public const string Status = "status";
    public const string Cycle = "cycle";
    public const string Setup = "setup";
    public const string Alarm = "alarm";
    public const string Part = "part";
}
