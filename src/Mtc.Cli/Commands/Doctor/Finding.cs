using System.Text.Json.Nodes;

namespace Mtc.Cli.Commands.Doctor;

/// <summary>How a finding bears on the edge: <c>ok</c> as the standard and cppagent behave, <c>warn</c> a deviation the
/// edge copes with (or a check that could not be made), <c>fail</c> something that loses data or stops collection.</summary>
internal enum Verdict
{
    Ok,
    Warn,
    Fail,
}

/// <summary>One thing <c>mtc doctor</c> found out about an agent.</summary>
/// <param name="Name">Stable id, e.g. <c>next-sequence</c>.</param>
/// <param name="Seen">What the agent did, in words.</param>
/// <param name="Edge">What the edge does about it.</param>
/// <param name="Facts">The measured values behind <paramref name="Seen"/>, for programs (<c>--format json</c>).</param>
internal sealed record Finding(string Name, Verdict Verdict, string Seen, string Edge, JsonObject Facts)
{
    public static Finding Ok(string name, string seen, string edge, JsonObject? facts = null) => new(name, Verdict.Ok, seen, edge, facts ?? []);

    public static Finding Warn(string name, string seen, string edge, JsonObject? facts = null) => new(name, Verdict.Warn, seen, edge, facts ?? []);

    public static Finding Fail(string name, string seen, string edge, JsonObject? facts = null) => new(name, Verdict.Fail, seen, edge, facts ?? []);

    /// <summary>A check that could not be made: a warning, so that nothing unchecked passes as ok.</summary>
    public static Finding NotChecked(string name, string reason, string edge) =>
        new(name, Verdict.Warn, "not checked: " + reason, edge, new JsonObject { ["checked"] = false });
}

/// <summary>The agent could not be examined at all (unreachable, not MTConnect): one line, exit code 1.</summary>
internal sealed class DoctorException(string message, Exception? inner = null) : Exception(message, inner);
