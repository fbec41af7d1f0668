using System.Text.Json;

namespace Mtc.Cloud.Storage;

/// <summary>
/// Batches of a known edge the cloud refused for good (a 400 the edge does not retry, so it moves the batch to its quarantine), kept as
/// events of type <see cref="RefusedBatchType"/> with source <c>cloud</c>, no machine, and the edge's id: the tenant feed
/// lists them, and the edges read counts them per edge through the events-by-machine index (machine null, type).
/// </summary>
internal abstract partial class SqlCloudStore
{
    public const string RefusedBatchType = "batch_refused";

    /// <summary>The longest problem detail kept with a refused batch.</summary>
    private const int RefusalDetailLength = 500;

    public async Task<bool> RecordRefusedBatchAsync(string tenant, RefusedBatch batch, DateTimeOffset now, CancellationToken ct)
    {
        now = Normalize(now);
        var detail = batch.Detail is { Length: > RefusalDetailLength } d ? d[..RefusalDetailLength] : batch.Detail;
        var data = StoredText.CleanJson(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["streamId"] = batch.StreamId, ["fromSeq"] = batch.FromSeq, ["toSeq"] = batch.ToSeq, ["status"] = batch.Status,
            ["problem"] = batch.ProblemType, ["detail"] = detail,
        }, Hosting.CloudJson.Options));
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                // Only an edge the tenant already has: a refused batch from an unknown edge changes nothing (and cannot make one up).
                var known = await QueryAsync(Command(c, tx, "SELECT 1 FROM edges WHERE tenant = @t AND id = @e", ("@t", tenant), ("@e", batch.EdgeId)),
                    _ => true, ct).ConfigureAwait(false);
                if (known.Count == 0)
                {
                    return false;
                }
                var cursor = await ReserveEventCursorsAsync(c, tx, tenant, 1, ct).ConfigureAwait(false);
                await InsertEventAsync(c, tx, tenant, cursor, $"{batch.StreamId}:{batch.FromSeq}-{batch.ToSeq}:refused", "cloud", RefusedBatchType,
                    null, batch.EdgeId, now, null, data, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return true;
            }
        }
    }
}
