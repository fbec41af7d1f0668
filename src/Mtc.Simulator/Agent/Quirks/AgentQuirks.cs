namespace Mtc.Simulator.Agent.Quirks;

/// <summary>
/// How a real agent implementation differs from another where a client can notice: one record per profile, one flag
/// per behaviour, all off for <see cref="Cppagent"/> (the reference agent, the simulator's own behaviour).
/// Clients are tested against every profile, so none relies on one agent's reading of the standard.
/// </summary>
internal sealed record AgentQuirks
{
    public required string Name { get; init; }

    /// <summary>One line for <c>--help</c> and the logs.</summary>
    public required string Summary { get; init; }

    /// <summary>
    /// A <c>sample</c> page (polled, or a part of a stream) says <c>nextSequence</c> = the buffer's last sequence + 1,
    /// whatever the page returned (cppagent: the last returned + 1). Observed against MTConnect.NET 6.x fed by a NIST
    /// log: <c>sample?from=1&amp;count=1000</c> returned 10711..11710 with <c>nextSequence="12711"</c>.
    /// </summary>
    public bool NextSequenceIsBufferEnd { get; init; }

    /// <summary>
    /// A polled <c>sample?from=nextSequence</c> with nothing new yet answers OUT_OF_RANGE (<c>from</c> must be at most
    /// the last sequence; cppagent answers an empty page). Observed against MTConnect.NET 6.x fed by a NIST log.
    /// </summary>
    public bool OutOfRangeWhenNothingNew { get; init; }

    /// <summary>Error documents come with HTTP 200 (cppagent: 400 or 404). Observed against MTConnect.NET 6.x fed by a NIST log.</summary>
    public bool ErrorsWithStatus200 { get; init; }

    /// <summary>
    /// A stream writes a UTF-8 byte order mark before every boundary line and spells its part headers
    /// <c>Content-type</c> / <c>Content-length</c>. Observed against MTConnect.NET 6.x fed by a NIST log.
    /// </summary>
    public bool BomBeforeBoundary { get; init; }

    /// <summary>
    /// A stream whose next <c>from</c> fell out of the buffer goes on from the oldest observation still held, with no
    /// error and no close (cppagent: an OUT_OF_RANGE part, then the stream ends). Observed against MTConnect.NET 6.x
    /// fed by a NIST log.
    /// </summary>
    public bool LaggingStreamJumpsToOldest { get; init; }

    /// <summary>
    /// Before schema 1.7 the agent's own <c>Agent</c> device is left out of <c>probe</c> but is in <c>current</c> and
    /// <c>sample</c> (a DeviceStream named <c>Agent</c> with its availability). cppagent has no Agent device before 1.7.
    /// Observed against MTConnect.NET 6.x fed by a NIST log, at schema 1.3.
    /// </summary>
    public bool AgentDeviceOnlyInStreams { get; init; }

    public static AgentQuirks Cppagent { get; } = new()
    {
        Name = "cppagent",
        Summary = "the reference agent (mtconnect/cppagent): the default",
    };

    public static AgentQuirks MtConnectNet { get; } = new()
    {
        Name = "mtconnect.net",
        Summary = "TrakHound MTConnect.NET 6.x: nextSequence = buffer end on every sample page, OUT_OF_RANGE when polling finds nothing new, "
            + "errors with HTTP 200, a BOM before every boundary and Content-type/Content-length part headers, a lagging stream jumps to "
            + "the oldest data, before 1.7 the Agent device only in streams",
        NextSequenceIsBufferEnd = true,
        OutOfRangeWhenNothingNew = true,
        ErrorsWithStatus200 = true,
        BomBeforeBoundary = true,
        LaggingStreamJumpsToOldest = true,
        AgentDeviceOnlyInStreams = true,
    };

    public static IReadOnlyList<AgentQuirks> Profiles { get; } = [Cppagent, MtConnectNet];

    public static AgentQuirks? Find(string? name) =>
        Profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
