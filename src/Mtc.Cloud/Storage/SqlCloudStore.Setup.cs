namespace Mtc.Cloud.Storage;

internal abstract partial class SqlCloudStore
{
    /// <summary>
    /// Registers an edge and claims its machines in one transaction. Rows are inserted first and then read
    /// under lock, so two edges claiming one machine at once cannot both win.
    /// </summary>
    public async Task<SetupOutcome> SetupEdgeAsync(string tenant, EdgeSetup setup, DateTimeOffset now, CancellationToken ct)
    {
        now = Normalize(now);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await ExecuteAsync(Command(c, tx,
                    "INSERT INTO edges (tenant, id) VALUES (@t, @e) ON CONFLICT (tenant, id) DO NOTHING",
                    ("@t", tenant), ("@e", setup.EdgeId)), ct).ConfigureAwait(false);
                var edge = (await QueryAsync(Command(c, tx,
                    "SELECT name, registered_at FROM edges WHERE tenant = @t AND id = @e" + ForUpdate, ("@t", tenant), ("@e", setup.EdgeId)),
                    r => (Name: Str(r, 0), Registered: !r.IsDBNull(1)), ct).ConfigureAwait(false))[0];
                var changed = !edge.Registered || (setup.Name is not null && !string.Equals(setup.Name, edge.Name, StringComparison.Ordinal));

                foreach (var m in setup.Machines)
                {
                    await ExecuteAsync(Command(c, tx,
                        "INSERT INTO machines (tenant, id, edge_id, name, uuid) VALUES (@t, @m, @e, @n, @u) ON CONFLICT (tenant, id) DO NOTHING",
                        ("@t", tenant), ("@m", m.Id), ("@e", setup.EdgeId), ("@n", m.Name), ("@u", m.Uuid)), ct).ConfigureAwait(false);
                    var row = (await QueryAsync(Command(c, tx,
                        "SELECT edge_id, name, uuid, registered FROM machines WHERE tenant = @t AND id = @m" + ForUpdate,
                        ("@t", tenant), ("@m", m.Id)),
                        r => (Edge: Str(r, 0), Name: Str(r, 1), Uuid: Str(r, 2), Registered: !r.IsDBNull(3) && r.GetInt64(3) != 0), ct)
                        .ConfigureAwait(false))[0];
                    if (row.Edge is not null && !string.Equals(row.Edge, setup.EdgeId, StringComparison.Ordinal))
                    {
                        await tx.RollbackAsync(ct).ConfigureAwait(false);
                        return new SetupOutcome(SetupStatus.Conflict, m.Id);
                    }
                    var name = m.Name ?? row.Name;
                    var uuid = m.Uuid ?? row.Uuid;
                    if (!row.Registered || row.Edge is null || !string.Equals(name, row.Name, StringComparison.Ordinal) ||
                        !string.Equals(uuid, row.Uuid, StringComparison.Ordinal))
                    {
                        changed = true;
                        await ExecuteAsync(Command(c, tx,
                            "UPDATE machines SET edge_id = @e, name = @n, uuid = @u, registered = 1 WHERE tenant = @t AND id = @m",
                            ("@e", setup.EdgeId), ("@n", name), ("@u", uuid), ("@t", tenant), ("@m", m.Id)), ct).ConfigureAwait(false);
                    }
                }

                var status = !edge.Registered ? SetupStatus.Created : changed ? SetupStatus.Updated : SetupStatus.Unchanged;
                if (changed)
                {
                    await ExecuteAsync(Command(c, tx,
                        "UPDATE edges SET name = COALESCE(@n, name), registered_at = COALESCE(registered_at, @now) WHERE tenant = @t AND id = @e",
                        ("@n", setup.Name), ("@now", now), ("@t", tenant), ("@e", setup.EdgeId)), ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return new SetupOutcome(status);
            }
        }
    }
}
