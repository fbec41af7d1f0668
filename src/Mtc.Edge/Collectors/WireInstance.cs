using System.Globalization;

namespace Mtc.Edge.Collectors;

/// <summary>
/// The <c>instanceId</c> the edge writes on observations: the agent's, or <c>agent~epoch</c> once the agent's sequence went
/// back without a new instanceId (a restart that kept it). (instanceId, sequence) then stays unique: an observation of the
/// new run is never taken for one of the old run already stored, and none of the new run is dropped as "already seen".
/// </summary>
internal static class WireInstance
{
    private const char Separator = '~';

    /// <summary>The agent's instanceId in a wire instance.</summary>
    public static string? AgentPart(string? wire) =>
        wire is null ? null : wire.IndexOf(Separator, StringComparison.Ordinal) is var i and >= 0 ? wire[..i] : wire;

    /// <summary>The wire instance after <paramref name="wire"/> for the same agent instance.</summary>
    public static string NextEpoch(string? wire)
    {
        var agent = AgentPart(wire) ?? "";
        var epoch = wire is not null && wire.Length > agent.Length
            && long.TryParse(wire.AsSpan(agent.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{agent}{Separator}{epoch + 1}");
    }
}
