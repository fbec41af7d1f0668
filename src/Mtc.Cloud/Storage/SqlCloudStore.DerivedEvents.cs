using System.Data.Common;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Storage;

/// <summary>
/// Derived events are stored by identity (tenant, machine, event id): the edge sends an event that is still running with no
/// end, and the same event again when it ends. The ended version replaces the open one and takes a new event cursor, so a
/// reader following <c>/api/ext/events</c> sees it again; an open version arriving after the ended one (a replay) changes
/// nothing, nor does an exact repeat. Cycles enter the <c>cycles</c> table only once ended.
/// </summary>
internal abstract partial class SqlCloudStore
{
    /// <summary>The unique index that gives a derived event its identity (see the migrations).</summary>
    private const string DerivedIdentity = "(tenant, machine_id, id) WHERE source = 'edge' AND type <> 'gap'";

    private async Task UpsertDerivedEventAsync(
        DbConnection c, DbTransaction tx, string tenant, long cursor, string edgeId, DerivedEventRecord derived, CancellationToken ct)
    {
        var e = derived.Event;
        var stored = await ExecuteAsync(Command(c, tx,
            "INSERT INTO events (tenant, cursor, id, source, type, machine_id, edge_id, start_ts, end_ts, data) " +
            "VALUES (@t, @c, @id, 'edge', @type, @m, @e, @s, @end, @d) " +
            "ON CONFLICT " + DerivedIdentity + " DO UPDATE SET cursor = excluded.cursor, type = excluded.type, edge_id = excluded.edge_id, " +
            "start_ts = excluded.start_ts, end_ts = excluded.end_ts, data = excluded.data " +
            "WHERE events.end_ts IS NULL AND excluded.end_ts IS NOT NULL",
            ("@t", tenant), ("@c", cursor), ("@id", e.Id), ("@type", e.Type), ("@m", derived.MachineId), ("@e", edgeId),
            ("@s", Normalize(e.Start)), ("@end", e.End is { } x ? Normalize(x) : null), ("@d", StoredText.CleanJson(e.Data?.GetRawText()))), ct).ConfigureAwait(false);
        if (stored > 0 && e.End is not null && string.Equals(e.Type, DerivedEventTypes.Cycle, StringComparison.Ordinal))
        {
            await InsertCycleAsync(c, tx, tenant, derived, ct).ConfigureAwait(false);
        }
    }
}
