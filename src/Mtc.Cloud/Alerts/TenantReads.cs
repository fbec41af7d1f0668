using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Alerts;

/// <summary>
/// The reads of one tenant's evaluation round that several rules share (machine statuses for idle, offline and no parts;
/// edge contacts for silent and backlog), each made once per round.
/// </summary>
internal sealed class TenantReads(ICloudStore store, string tenant)
{
    private Task<IReadOnlyList<MachineStatusRow>>? _statuses;
    private Task<IReadOnlyList<EdgeContactRow>>? _edges;

    public ICloudStore Store => store;

    public Task<IReadOnlyList<MachineStatusRow>> GetMachineStatusesAsync(string forTenant, CancellationToken ct) =>
        _statuses ??= store.GetMachineStatusesAsync(Checked(forTenant), ct);

    public Task<IReadOnlyList<EdgeContactRow>> GetEdgeContactsAsync(string forTenant, CancellationToken ct) =>
        _edges ??= store.GetEdgeContactsAsync(Checked(forTenant), ct);

    private string Checked(string forTenant) =>
        string.Equals(forTenant, tenant, StringComparison.Ordinal) ? tenant : throw new ArgumentException("reads of another tenant", nameof(forTenant));
}
