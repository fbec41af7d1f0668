using Mtc.Core.Text;

namespace Mtc.Core.Shdr;

/// <summary>Why an SHDR line could not be read, and where.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">1-based column of the offending field (0 when the whole line is at fault).</param>
/// <param name="Field">1-based index of the offending pipe-separated field (the timestamp is field 1; 0 when none).</param>
public sealed record ShdrParseError(FormatErrorKind Kind, string Message, int Line, int Column, int Field)
{
    public MtConnectFormatException ToException() => new(Kind, Message, Line, Column);

    /// <summary>One printable line: <c>line 3, column 7 (field 2): ...</c> (control characters escaped).</summary>
    public string Describe() =>
        Field > 0 ? $"line {Line}, column {Column} (field {Field}): {Printable.Escape(Message)}" : $"line {Line}: {Printable.Escape(Message)}";

    public override string ToString() => Describe();
}

/// <summary>The outcome of reading one line: a parsed line, an error, or nothing (a blank line).</summary>
public readonly record struct ShdrParseResult(ShdrLine? Line, ShdrParseError? Error)
{
    public bool IsBlank => Line is null && Error is null;

    /// <summary>The line, or the error thrown as <see cref="MtConnectFormatException"/>; null for a blank line.</summary>
    public ShdrLine? GetLineOrThrow() => Error is null ? Line : throw Error.ToException();
}
