namespace Mtc.Cli.Commands.Analyze;

/// <summary>A failure of <c>mtc analyze</c>, with its exit code and a one-line reason.</summary>
internal sealed class AnalyzeException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public const int BadUsage = 2;
    public const int Failure = 1;

    public int ExitCode { get; } = exitCode;
}

internal sealed record AnalyzeRequest(string DevicesPath, string LogPath, string? Device, double CounterIdleMinutes);
