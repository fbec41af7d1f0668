using Mtc.Core.Wire;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// The cloud stored an agent observation twice when an edge sent it twice (its cursor pushed back by the agent, the same
/// observation resent under new outbox seqs): now one row per (machine, instanceId, sequence, timestamp), on both stores.
/// </summary>
public abstract class DuplicateObservationTests(IBackend backend) : ApiTestBase(backend)
{
    /// <summary>The observations of <paramref name="source"/> resent as records from <paramref name="firstSeq"/> on.</summary>
    private static List<WireRecord> Resent(IngestBatch source, long firstSeq) =>
        source.Records.Cast<ObservationRecord>().Select((o, i) => (WireRecord)(o with { Seq = firstSeq + i })).ToList();

    [Fact]
    public async Task The_same_agent_observations_resent_under_new_seqs_are_stored_once()
    {
        var first = Batches.Observations("plant-1", "s1", 1, 10);
        Assert.Equal(new IngestResult(10, 10, 0, 0), await Batches.PostOkAsync(Edge, first));
        var again = new IngestBatch("plant-1", "s1", 11, 20, Resent(first, 11));
        Assert.Equal(new IngestResult(20, 0, 10, 10), await Batches.PostOkAsync(Edge, again));

        var stored = await Batches.AllObservationsAsync(Reader, "m1");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => 1000L + i), stored.Select(o => o.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task A_batch_mixing_resent_and_new_observations_stores_the_new_ones_and_counts_the_rest_as_skipped()
    {
        var first = Batches.Observations("plant-1", "s1", 1, 10);
        await Batches.PostOkAsync(Edge, first);
        // Seqs 11..15 resend sequences 1006..1010; 16..20 are new observations; 21 repeats 20 inside the batch.
        var records = Resent(first, 6).Skip(5).ToList();
        records.AddRange(Batches.Observations("plant-1", "s1", 16, 20).Records);
        records.Add((ObservationRecord)records[^1] with { Seq = 21 });
        var result = await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s1", 11, 21, records));
        Assert.Equal(new IngestResult(21, 5, 6, 10), result);

        var stored = await Batches.AllObservationsAsync(Reader, "m1");
        Assert.Equal(Enumerable.Range(1, 10).Concat(Enumerable.Range(16, 5)).Select(i => 1000L + i),
            stored.Select(o => o.GetProperty("sequence").GetInt64()));
        Assert.Equal(15, stored.Select(o => o.GetProperty("value").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task The_same_sequence_under_another_instance_or_machine_is_another_observation()
    {
        var first = Batches.Observations("plant-1", "s1", 1, 3);
        await Batches.PostOkAsync(Edge, first);
        var otherInstance = first.Records.Cast<ObservationRecord>().Select((o, i) => (WireRecord)(o with { Seq = 4 + i, InstanceId = "1800000000" })).ToList();
        Assert.Equal(new IngestResult(6, 3, 0, 3), await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s1", 4, 6, otherInstance)));
        var otherMachine = first.Records.Cast<ObservationRecord>().Select((o, i) => (WireRecord)(o with { Seq = 7 + i, MachineId = "m2" })).ToList();
        Assert.Equal(new IngestResult(9, 3, 0, 6), await Batches.PostOkAsync(Edge, new IngestBatch("plant-1", "s1", 7, 9, otherMachine)));
        Assert.Equal(6, (await Batches.AllObservationsAsync(Reader, "m1")).Count);
        Assert.Equal(3, (await Batches.AllObservationsAsync(Reader, "m2")).Count);
    }
}

public sealed class DuplicateObservationTests_Sqlite() : DuplicateObservationTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class DuplicateObservationTests_Postgres(PostgresServer server) : DuplicateObservationTests(new PostgresBackend(server));
