using Mtc.Core.Analytics;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Storage;

/// <summary>What every storage backend must do, tested on the store itself (the API tests cover the rest).</summary>
public abstract class StoreConformanceTests(IBackend backend) : IAsyncLifetime
{
    private ICloudStore _store = null!;
    private DatabaseTarget _db = null!;
    private static readonly CancellationToken None = CancellationToken.None;

    public async Task InitializeAsync()
    {
        _db = await backend.NewDatabaseAsync();
        _store = _db.Open();
        Assert.NotEmpty(await _store.MigrateAsync(None));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        (backend as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task Migrations_apply_once()
    {
        Assert.Empty(await _store.MigrateAsync(None));
        var again = _db.Open();
        await using (again)
        {
            Assert.Empty(await again.MigrateAsync(None));
        }
    }

    [Fact]
    public async Task Summary_quarters_are_kept_until_their_machine_changes_and_never_stored_from_before_a_change()
    {
        var t0 = Batches.T0;
        var read = await _store.GetSummaryQuartersAsync("acme", ["m1", "m2"], t0, t0.AddHours(2), None);
        Assert.Empty(read.Quarters);
        var (g1, g2) = (read.Generations["m1"], read.Generations["m2"]);
        IReadOnlyList<(DateTimeOffset, int, string)> Quarters(params int[] minutes) => minutes.Select(m => (t0.AddMinutes(m), 15, $$"""{"p":{{m}}}""")).ToList();
        Assert.Equal(7, await _store.PutSummaryQuartersAsync("acme",
            [new("m1", g1, [.. Quarters(0, 15, 30, 90), (t0.AddMinutes(60), 60, "{}")]), new("m2", g2, Quarters(0, 15))], None));

        // A cycle of m1 starting at 80 removes its quarters and hours that start after 20 (the hour before it), not m2's, and
        // steps m1's generation.
        var cycle = Batches.Cycle(1, "m1", t0.AddMinutes(80), 60);
        await _store.IngestAsync("acme", new IngestBatch("e", "s", 1, 1, [cycle]), DateTimeOffset.UtcNow, None);
        var after = await _store.GetSummaryQuartersAsync("acme", ["m1", "m2"], t0, t0.AddHours(2), None);
        Assert.Equal([("m1", t0), ("m1", t0.AddMinutes(15)), ("m2", t0), ("m2", t0.AddMinutes(15))],
            after.Quarters.Select(q => (q.MachineId, q.Start)).Order());
        Assert.True(after.Generations["m1"] > g1);
        Assert.Equal(g2, after.Generations["m2"]);

        // What a reader computed before the change is not stored; what it computes after is.
        Assert.Equal(0, await _store.PutSummaryQuartersAsync("acme", [new("m1", g1, Quarters(30))], None));
        Assert.Equal(1, await _store.PutSummaryQuartersAsync("acme", [new("m1", after.Generations["m1"], Quarters(30))], None));
        Assert.Equal("""{"p":30}""", (await _store.GetSummaryQuartersAsync("acme", ["m1"], t0.AddMinutes(30), t0.AddMinutes(45), None)).Quarters.Single().Tally);
        Assert.Empty((await _store.GetSummaryQuartersAsync("globex", ["m1"], t0, t0.AddHours(1), None)).Quarters);
    }

    [Fact]
    public async Task Keys_are_stored_hashed_found_listed_and_revoked()
    {
        var (id, key, hash) = ApiKeyFormat.Generate();
        var now = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
        await _store.CreateKeyAsync(new ApiKeyRow(id, "acme", "line 1", ["edge:ingest", "ext:read"], hash, now, null), None);
        var found = await _store.FindKeyAsync(id, None);
        Assert.NotNull(found);
        Assert.Equal(["edge:ingest", "ext:read"], found.Scopes);
        Assert.Equal(now, found.CreatedAt);
        Assert.True(ApiKeyFormat.TryParse(key, out _, out var secret));
        Assert.Equal(32, found.SecretHash.Length);
        Assert.NotEqual(System.Text.Encoding.UTF8.GetBytes(secret), found.SecretHash);
        Assert.True(ApiKeyFormat.Matches(secret, found.SecretHash));
        Assert.False(ApiKeyFormat.Matches(secret + "x", found.SecretHash));
        Assert.Single(await _store.ListKeysAsync("acme", None));
        Assert.Empty(await _store.ListKeysAsync("globex", None));
        Assert.True(await _store.RevokeKeyAsync(id, now.AddHours(1), None));
        Assert.False(await _store.RevokeKeyAsync(id, now.AddHours(2), None));
        Assert.Equal(now.AddHours(1), (await _store.FindKeyAsync(id, None))!.RevokedAt);
    }

    [Fact]
    public async Task What_machines_do_now_read_for_many_at_once_equals_the_reads_one_by_one()
    {
        var t0 = Batches.T0.UtcDateTime;
        var records = new List<WireRecord>();
        void Add(string machine, MachineEvent e) => records.Add(new DerivedEventRecord
        {
            Seq = records.Count + 1,
            MachineId = machine,
            Event = new DerivedEvent(e.Id, e.Type, new DateTimeOffset(e.Start, TimeSpan.Zero),
                e.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, e.ToData()),
        });
        void Value(string machine, string item, string type, string value, int second) => records.Add(new ObservationRecord
        {
            Seq = records.Count + 1, MachineId = machine, DataItemId = item, Type = type, Category = "EVENT", Sequence = records.Count + 1,
            Timestamp = Batches.T0.AddSeconds(second), Value = value,
        });
        foreach (var (m, i) in new[] { ("m1", 0), ("m2", 1), ("m3", 2) })
        {
            Add(m, new StatusInterval { Id = $"{m}:s1", Start = t0, End = t0.AddMinutes(5), Status = MachineStatus.Idle, Seconds = 300 });
            Add(m, new StatusInterval { Id = $"{m}:s2", Start = t0.AddMinutes(5), Status = i == 1 ? MachineStatus.Alarm : MachineStatus.Active });
            for (var c = 0; c <= i; c++)
            {
                Add(m, new MachineCycle { Id = $"{m}:c{c}", Start = t0.AddMinutes(c), End = t0.AddMinutes(c + 1), DurationSeconds = 60, Program = $"O{i}{c}", Parts = 1, Completion = CycleCompletion.Completed });
                Add(m, new PartsProduced { Id = $"{m}:p{c}", Start = t0.AddMinutes(c + 1), End = t0.AddMinutes(c + 1), Count = 1, Counter = 10 * i + c });
            }
            Value(m, "exec", "EXECUTION", i == 2 ? "READY" : "ACTIVE", 10);
            Value(m, "prog", "PROGRAM", $"P{i}", 11);
            Value(m, "temp", "TEMPERATURE", "21", 12);
        }
        // m2: a warning and a fault open (the fault wins), and one ended; m1: an ended alarm only.
        Add("m2", new AlarmPeriod { Id = "m2:a1", DataItemId = "cond", Start = t0.AddMinutes(6), NativeCode = "W1", Level = "WARNING", Message = "warm" });
        Add("m2", new AlarmPeriod { Id = "m2:a2", DataItemId = "cond", Start = t0.AddMinutes(5), NativeCode = "F1", Level = "FAULT", Message = "hot" });
        Add("m2", new AlarmPeriod { Id = "m2:a3", DataItemId = "cond", Start = t0.AddMinutes(7), End = t0.AddMinutes(8), NativeCode = "F2", Level = "FAULT", Message = "over" });
        Add("m1", new AlarmPeriod { Id = "m1:a1", DataItemId = "cond", Start = t0.AddMinutes(2), End = t0.AddMinutes(3), NativeCode = "F3", Level = "FAULT", Message = "was" });
        await _store.IngestAsync("acme", new IngestBatch("e", "s", 1, records.Count, records), DateTimeOffset.UtcNow, None);
        await _store.IngestAsync("globex", Batches.Observations("e", "s", 1, 2, machine: "m1"), DateTimeOffset.UtcNow, None);

        string[] ids = ["m1", "m2", "m3", "unknown"];
        var all = await _store.GetMachinesNowAsync("acme", ids, null, None);
        Assert.Equal(["m1", "m2", "m3"], all.Keys.Order(StringComparer.Ordinal));
        foreach (var id in ids[..3])
        {
            var now = all[id];
            Assert.Equal(await _store.GetCurrentValuesAsync("acme", id, None), now.Values);
            Assert.Equal(await _store.GetLastCycleAsync("acme", id, None), now.LastCycle);
            Assert.Equal(await _store.GetLatestEventAsync("acme", id, "status", None), now.Status);
            Assert.Equal(await _store.GetLatestEventAsync("acme", id, "part", None), now.Part);
            Assert.Equal(await _store.GetOpenAlarmAsync("acme", id, None), now.Alarm);
        }
        Assert.Equal("m2:a2", all["m2"].Alarm!.Id);
        Assert.Null(all["m1"].Alarm);
        Assert.Equal($"m3:c2", all["m3"].LastCycle!.EventId);
        Assert.Equal(3, all["m1"].Values.Count);

        var some = await _store.GetMachinesNowAsync("acme", ["m3"], ["execution", "PROGRAM"], None);
        Assert.Equal(["EXECUTION", "PROGRAM"], some["m3"].Values.Select(v => v.Type).Order(StringComparer.Ordinal));
        Assert.Equal("READY", some["m3"].Values.Single(v => v.Type == "EXECUTION").Value);
        // Another tenant's machine of the same id is not read.
        Assert.DoesNotContain((await _store.GetMachinesNowAsync("globex", ["m1"], null, None))["m1"].Values, v => v.Type == "EXECUTION");
        Assert.Empty(await _store.GetMachinesNowAsync("acme", [], null, None));
    }

    [Fact]
    public async Task Ingest_is_exactly_once_per_stream_and_tenant()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(new IngestResult(10, 10, 0, 0), await _store.IngestAsync("acme", Batches.Observations("e", "s", 1, 10), now, None));
        Assert.Equal(new IngestResult(10, 0, 10, 10), await _store.IngestAsync("acme", Batches.Observations("e", "s", 1, 10), now, None));
        Assert.Equal(new IngestResult(12, 2, 3, 10), await _store.IngestAsync("acme", Batches.Observations("e", "s", 8, 12), now, None));
        Assert.Equal(new IngestResult(10, 10, 0, 0), await _store.IngestAsync("globex", Batches.Observations("e", "s", 1, 10), now, None));
        var rows = await _store.GetObservationsAsync("acme", "m1", new TimeRange(null, null), null, null, 100, None);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => "v" + i), rows.Select(r => r.Value));
        var edge = await _store.GetEdgeAsync("acme", "e", None);
        Assert.Equal(12, Assert.Single(edge!.Streams).RecordsReceived);
    }

    [Fact]
    public async Task Times_keep_microseconds_and_compare_in_utc()
    {
        var t = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var batch = new IngestBatch("e", "s", 1, 1, [Batches.Observation(1) with { Timestamp = t }]);
        await _store.IngestAsync("acme", batch, DateTimeOffset.UtcNow, None);
        var row = Assert.Single(await _store.GetObservationsAsync("acme", "m1", new TimeRange(t.AddTicks(-10), t.AddTicks(10)), null, null, 10, None));
        Assert.Equal(t.UtcTicks - 7, row.Timestamp.UtcTicks);
        Assert.Equal(TimeSpan.Zero, row.Timestamp.Offset);
    }

    [Fact]
    public async Task The_cycle_summary_matches_an_independent_computation()
    {
        var random = new Random(7);
        var durations = Enumerable.Range(0, 501).Select(_ => Math.Round(20 + (random.NextDouble() * 600), 3)).ToArray();
        var records = durations.Select((d, i) => (WireRecord)Batches.Cycle(i + 1, "m1", Batches.T0.AddMinutes(i), d)).ToList();
        await _store.IngestAsync("acme", new IngestBatch("e", "s", 1, records.Count, records), DateTimeOffset.UtcNow, None);
        var s = await _store.GetCycleSummaryAsync("acme", "m1", new TimeRange(null, null), None);
        var sorted = durations.Order().ToArray();
        Assert.Equal(501, s.Count);
        Assert.Equal(durations.Average(), s.Mean!.Value, 6);
        Assert.Equal(sorted[250], s.Median!.Value, 6); // odd count: the middle value
        Assert.Equal(sorted[450], s.P90!.Value, 6);    // 0.9 * 500 = rank 450 exactly
        Assert.Equal(sorted[0], s.Min);
        Assert.Equal(sorted[^1], s.Max);
        var empty = await _store.GetCycleSummaryAsync("acme", "m2", new TimeRange(null, null), None);
        Assert.Equal(0, empty.Count);
        Assert.Null(empty.Median);
    }

    [Fact]
    public async Task Retention_removes_old_observations_and_keeps_new_ones()
    {
        var old = new IngestBatch("e", "s", 1, 2, [Batches.Observation(1) with { Timestamp = Batches.T0.AddDays(-10) },
            Batches.Observation(2) with { Timestamp = Batches.T0.AddDays(-9) }]);
        await _store.IngestAsync("acme", old, DateTimeOffset.UtcNow, None);
        await _store.IngestAsync("acme", new IngestBatch("e", "s", 3, 3, [Batches.Observation(3)]), DateTimeOffset.UtcNow, None);
        await _store.ApplyRetentionAsync(Batches.T0.AddDays(-5), DateTimeOffset.UtcNow.AddHours(-24), None);
        var rows = await _store.GetObservationsAsync("acme", "m1", new TimeRange(null, null), null, null, 100, None);
        Assert.Equal(["v3"], rows.Select(r => r.Value));
        // Late data for a day whose storage was removed is still accepted.
        await _store.IngestAsync("acme", new IngestBatch("e", "s", 4, 4, [Batches.Observation(4) with { Timestamp = Batches.T0.AddDays(-10) }]),
            DateTimeOffset.UtcNow, None);
        Assert.Equal(2, (await _store.GetObservationsAsync("acme", "m1", new TimeRange(null, null), null, null, 100, None)).Count);
    }

    [Fact]
    public async Task Data_for_a_day_another_host_removed_is_still_stored()
    {
        var day = Batches.T0.AddDays(-10);
        await _store.IngestAsync("acme", new IngestBatch("e", "s", 1, 1, [Batches.Observation(1) with { Timestamp = day }]), DateTimeOffset.UtcNow, None);
        var other = _db.Open();
        await using (other)
        {
            await other.ApplyRetentionAsync(day.AddDays(2), DateTimeOffset.UtcNow.AddHours(-24), None);
        }
        Assert.Empty(await _store.GetObservationsAsync("acme", "m1", new TimeRange(null, null), null, null, 10, None));
        var result = await _store.IngestAsync("acme", new IngestBatch("e", "s", 2, 2, [Batches.Observation(2) with { Timestamp = day }]),
            DateTimeOffset.UtcNow, None);
        Assert.Equal(new IngestResult(2, 1, 0, 1), result);
        Assert.Equal(["v2"], (await _store.GetObservationsAsync("acme", "m1", new TimeRange(null, null), null, null, 10, None)).Select(r => r.Value));
    }

    [Fact]
    public async Task Idempotency_keys_are_taken_first_and_expire()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(IdempotencyState.Started, (await _store.BeginIdempotentAsync("acme", "k", "f1", now, now.AddHours(-24), now.AddMinutes(-1), None)).State);
        Assert.Equal(IdempotencyState.InFlight, (await _store.BeginIdempotentAsync("acme", "k", "f1", now, now.AddHours(-24), now.AddMinutes(-1), None)).State);
        Assert.Equal(IdempotencyState.Mismatch, (await _store.BeginIdempotentAsync("acme", "k", "f2", now, now.AddHours(-24), now.AddMinutes(-1), None)).State);
        Assert.Equal(IdempotencyState.Started, (await _store.BeginIdempotentAsync("globex", "k", "f2", now, now.AddHours(-24), now.AddMinutes(-1), None)).State);
        await _store.SetupEdgeAsync("acme", new EdgeSetup("e", null, [new MachineSetup("m1", null, null)]), now, None);
        Assert.True(await _store.AddExternalEventAsync("acme", new ExternalEvent("ev1", "m1", "note", now, null), "k", now, 200, "{\"id\":\"ev1\"}", None));
        var replay = await _store.BeginIdempotentAsync("acme", "k", "f1", now, now.AddHours(-24), now.AddMinutes(-1), None);
        Assert.Equal((IdempotencyState.Replay, 200, "{\"id\":\"ev1\"}"), (replay.State, replay.Status, replay.Body));
        // A day later the key is forgotten and may be used again.
        var later = now.AddHours(25);
        Assert.Equal(IdempotencyState.Started, (await _store.BeginIdempotentAsync("acme", "k", "f3", later, later.AddHours(-24), later.AddMinutes(-1), None)).State);
    }

    [Fact]
    public async Task An_unanswered_claim_past_its_lease_is_taken_over_by_exactly_one_retry_and_fences_its_first_owner()
    {
        var t0 = DateTimeOffset.UtcNow;
        var lease = TimeSpan.FromSeconds(60);
        await _store.SetupEdgeAsync("acme", new EdgeSetup("e", null, [new MachineSetup("m1", null, null)]), t0, None);
        var first = await _store.BeginIdempotentAsync("acme", "k", "f1", t0, t0.AddHours(-24), t0 - lease, None);
        Assert.Equal(IdempotencyState.Started, first.State);

        // Within the lease the claim is in flight, and says since when.
        var t1 = t0.AddSeconds(59);
        var early = await _store.BeginIdempotentAsync("acme", "k", "f1", t1, t1.AddHours(-24), t1 - lease, None);
        Assert.Equal(IdempotencyState.InFlight, early.State);
        Assert.Equal(t0.UtcTicks / 10, early.ClaimedAt!.Value.UtcTicks / 10);

        // After it, eight retries race: one takes the key over, the others see it in flight under the new claim.
        var t2 = t0.AddSeconds(61);
        var retries = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _store.BeginIdempotentAsync("acme", "k", "f1", t2, t2.AddHours(-24), t2 - lease, None)));
        var winner = Assert.Single(retries, r => r.State == IdempotencyState.Started);
        Assert.True(winner.TakenOver);
        Assert.All(retries.Where(r => r != winner), r => Assert.Equal(IdempotencyState.InFlight, r.State));

        // The first owner, late, can neither store its event nor free the key it lost.
        Assert.False(await _store.AddExternalEventAsync("acme", new ExternalEvent("late", "m1", "note", t0, null), "k", first.ClaimedAt!.Value,
            200, "{\"id\":\"late\"}", None));
        await _store.ReleaseIdempotencyAsync("acme", "k", first.ClaimedAt!.Value, None);
        Assert.Equal(IdempotencyState.InFlight,
            (await _store.BeginIdempotentAsync("acme", "k", "f1", t2, t2.AddHours(-24), t2 - lease, None)).State);

        Assert.True(await _store.AddExternalEventAsync("acme", new ExternalEvent("won", "m1", "note", t2, null), "k", winner.ClaimedAt!.Value,
            200, "{\"id\":\"won\"}", None));
        var replay = await _store.BeginIdempotentAsync("acme", "k", "f1", t2, t2.AddHours(-24), t2 - lease, None);
        Assert.Equal((IdempotencyState.Replay, "{\"id\":\"won\"}"), (replay.State, replay.Body));
        Assert.Equal(["won"], (await _store.GetEventsAsync("acme", 0, null, 10, None)).Select(e => e.Id));
    }

    [Fact]
    public async Task A_released_claim_frees_the_key_at_once()
    {
        var now = DateTimeOffset.UtcNow;
        var claim = await _store.BeginIdempotentAsync("acme", "k", "f1", now, now.AddHours(-24), now.AddMinutes(-1), None);
        await _store.ReleaseIdempotencyAsync("acme", "k", claim.ClaimedAt!.Value, None);
        var again = await _store.BeginIdempotentAsync("acme", "k", "f2", now, now.AddHours(-24), now.AddMinutes(-1), None);
        Assert.Equal((IdempotencyState.Started, false), (again.State, again.TakenOver));
    }

    [Fact]
    public async Task Concurrent_setups_claiming_one_machine_let_exactly_one_edge_win()
    {
        var now = DateTimeOffset.UtcNow;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            _store.SetupEdgeAsync("acme", new EdgeSetup("edge-" + i, null, [new MachineSetup("shared", null, null)]), now, None)));
        Assert.Single(outcomes, o => o.Status == SetupStatus.Created);
        Assert.Equal(7, outcomes.Count(o => o.Status == SetupStatus.Conflict));
        var machine = await _store.GetMachineAsync("acme", "shared", None);
        Assert.StartsWith("edge-", machine!.EdgeId, StringComparison.Ordinal);
    }
}

public sealed class SqliteStoreConformanceTests() : StoreConformanceTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreConformanceTests(PostgresServer server) : StoreConformanceTests(new PostgresBackend(server));
