using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources;

/// <summary>Where the agent's data comes from: generated machines, a replayed SHDR log, or a live adapter.</summary>
internal interface IDataSource
{
    /// <summary>The device models the agent serves.</summary>
    DeviceCatalog Catalog { get; }

    /// <summary>Feeds the agent until cancelled (or, for a log played once, until its end).</summary>
    Task RunAsync(SimAgent agent, CancellationToken cancellationToken);
}
