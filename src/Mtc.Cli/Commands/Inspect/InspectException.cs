namespace Mtc.Cli.Commands.Inspect;

/// <summary>A failure of <c>mtc inspect</c> that is not about the document's content: exit code and one line for stderr.</summary>
internal sealed class InspectException(int exitCode, string source, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public const int InvalidInput = 2;
    public const int Failure = 1;

    public int ExitCode { get; } = exitCode;
    public new string Source { get; } = source;
}
