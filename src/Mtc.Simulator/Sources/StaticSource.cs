using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources;

/// <summary>Only a device model: every data item stays UNAVAILABLE (an agent whose adapter is not connected).</summary>
internal sealed class StaticSource(DeviceCatalog catalog) : IDataSource
{
    public DeviceCatalog Catalog => catalog;

    public Task RunAsync(SimAgent agent, CancellationToken cancellationToken) => Task.CompletedTask;
}
