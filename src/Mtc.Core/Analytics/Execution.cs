namespace Mtc.Core.Analytics;

/// <summary>EXECUTION values the cycle rules distinguish.</summary>
internal static class Execution
{
    public const string Active = "ACTIVE";
    public const string Ready = "READY";
    public const string Stopped = "STOPPED";
    public const string ProgramCompleted = "PROGRAM_COMPLETED";

    /// <summary>Values that end a cycle. Every other live value but ACTIVE keeps a cycle open as interrupted time.</summary>
    public static bool EndsCycle(string value) => value is Ready or Stopped or ProgramCompleted;

    /// <summary>CONTROLLER_MODE values in which executing is not a production cycle (MDI, jog).</summary>
    public static bool IsManualMode(string? mode) => mode is "MANUAL" or "MANUAL_DATA_INPUT";

    /// <summary>CONTROLLER_MODE values in which a program change suggests a setup.</summary>
    public static bool IsSetupMode(string? mode) => mode is "MANUAL" or "MANUAL_DATA_INPUT" or "EDIT";
}
