using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// Derived events sent open (no end) and later ended under the same id: the machine's current status, its cycles, its
/// timeline and the events feed, through the real Program.
/// </summary>
public abstract class OpenEventsTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly DateTime T0 = Batches.T0.UtcDateTime;
    private const string ActiveId = "M1:1700000000:20:status.ACTIVE";
    private const string CycleId = "M1:1700000000:20:cycle";

    private static WireRecord Derived(long seq, MachineEvent e, string machine = "m1") => new DerivedEventRecord
    {
        Seq = seq,
        MachineId = machine,
        Event = new DerivedEvent(e.Id, e.Type, new DateTimeOffset(e.Start, TimeSpan.Zero),
            e.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, e.ToData()),
    };

    /// <summary>An EXECUTION observation of machine m1 at <paramref name="at"/>: the machine's last known time.</summary>
    private static WireRecord Execution(long seq, DateTime at, string value) => new ObservationRecord
    {
        Seq = seq, MachineId = "m1", InstanceId = "1700000000", Sequence = seq, DataItemId = "exec", Name = "execution",
        Category = "EVENT", Type = "EXECUTION", Timestamp = new DateTimeOffset(at, TimeSpan.Zero), Value = value,
    };

    private static StatusInterval Status(string id, string status, DateTime start, DateTime? end) =>
        new() { Id = id, Start = start, End = end, StartSequence = 1, Status = status, Seconds = ((end ?? start) - start).TotalSeconds };

    private static MachineCycle Cycle(DateTime? end) => new()
    {
        Id = CycleId, Start = T0.AddMinutes(5), End = end, StartSequence = 20, Program = "O1234", Parts = end is null ? 0 : 1,
        DurationSeconds = end is { } e ? (e - T0.AddMinutes(5)).TotalSeconds : 60, ActiveSeconds = 60,
        Completion = end is null ? null : CycleCompletion.Completed,
    };

    private static IngestBatch Batch(params WireRecord[] records) =>
        new("plant-1", "s1", records[0].Seq, records[^1].Seq, records);

    private async Task<List<JsonElement>> EventsAfterAsync(string cursor) =>
        [.. (await Batches.GetJsonAsync(Reader, "/api/ext/events?limit=1000&cursor=" + cursor)).GetProperty("items").EnumerateArray()];

    private static string Row(JsonElement i) =>
        $"{i.GetProperty("start").GetDateTimeOffset().UtcDateTime:HH:mm}-{i.GetProperty("end").GetDateTimeOffset().UtcDateTime:HH:mm} " +
        $"{i.GetProperty("status").GetString()}{(i.GetProperty("open").GetBoolean() ? " open" : "")}";

    [Fact]
    public async Task An_open_interval_is_the_current_status_until_its_ended_version_replaces_it_under_a_new_cursor()
    {
        // 08:00-08:05 IDLE ended; ACTIVE and its cycle open since 08:05; the machine last reported at 08:07.
        await Batches.PostOkAsync(Edge, Batch(
            Derived(1, Status("M1:1700000000:10:status.IDLE", MachineStatus.Idle, T0, T0.AddMinutes(5))),
            Derived(2, Status(ActiveId, MachineStatus.Active, T0.AddMinutes(5), null)),
            Derived(3, Cycle(null)),
            Execution(4, T0.AddMinutes(7), "ACTIVE")));

        var state = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        Assert.Equal("ACTIVE", state.GetProperty("status").GetString());
        Assert.Equal(T0.AddMinutes(5), state.GetProperty("statusSince").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(JsonValueKind.Null, state.GetProperty("lastCycle").ValueKind);
        var cycles = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/cycle-time");
        Assert.Empty(cycles.GetProperty("items").EnumerateArray()); // an open cycle is not a cycle time yet
        Assert.Equal(0, cycles.GetProperty("summary").GetProperty("count").GetInt64());
        var timeline = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/timeline");
        Assert.Equal(["08:00-08:05 IDLE", "08:05-08:07 ACTIVE open"], timeline.GetProperty("items").EnumerateArray().Select(Row));

        var first = await EventsAfterAsync("0");
        Assert.Equal(["M1:1700000000:10:status.IDLE", ActiveId, CycleId], first.Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, first[1].GetProperty("end").ValueKind);
        Assert.Equal(JsonValueKind.Null, first[2].GetProperty("data").GetProperty("completion").ValueKind);
        var cursor = first[^1].GetProperty("cursor").GetString()!;

        // The cycle and ACTIVE end at 08:09; IDLE is open since then; the machine last reported at 08:10.
        await Batches.PostOkAsync(Edge, Batch(
            Derived(5, Status(ActiveId, MachineStatus.Active, T0.AddMinutes(5), T0.AddMinutes(9))),
            Derived(6, Cycle(T0.AddMinutes(9))),
            Derived(7, Status("M1:1700000000:30:status.IDLE", MachineStatus.Idle, T0.AddMinutes(9), null)),
            Execution(8, T0.AddMinutes(10), "READY")));

        state = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        Assert.Equal("IDLE", state.GetProperty("status").GetString());
        Assert.Equal(T0.AddMinutes(9), state.GetProperty("statusSince").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(240, state.GetProperty("lastCycle").GetProperty("durationSeconds").GetDouble());
        var cycle = Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/cycle-time")).GetProperty("items").EnumerateArray());
        Assert.Equal("completed", cycle.GetProperty("completion").GetString());
        Assert.Equal(T0.AddMinutes(9), cycle.GetProperty("end").GetDateTimeOffset().UtcDateTime);
        timeline = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/timeline");
        Assert.Equal(["08:00-08:05 IDLE", "08:05-08:09 ACTIVE", "08:09-08:10 IDLE open"], timeline.GetProperty("items").EnumerateArray().Select(Row));

        // A client following the cursor sees the ended versions again, under the same ids and higher cursors.
        var next = await EventsAfterAsync(cursor);
        Assert.Equal([ActiveId, CycleId, "M1:1700000000:30:status.IDLE"], next.Select(i => i.GetProperty("id").GetString()));
        Assert.All(next, i => Assert.True(long.Parse(i.GetProperty("cursor").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            > long.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(T0.AddMinutes(9), next[0].GetProperty("end").GetDateTimeOffset().UtcDateTime);
        Assert.Equal("completed", next[1].GetProperty("data").GetProperty("completion").GetString());
        // Each event is stored once: a client reading from the start sees only the latest version.
        var all = await EventsAfterAsync("0");
        Assert.Equal(["M1:1700000000:10:status.IDLE", ActiveId, CycleId, "M1:1700000000:30:status.IDLE"], all.Select(i => i.GetProperty("id").GetString()));
        cursor = all[^1].GetProperty("cursor").GetString()!;

        // A replay: the open versions again, and the ended cycle again. Nothing reopens, nothing is counted twice.
        await Batches.PostOkAsync(Edge, Batch(
            Derived(9, Status(ActiveId, MachineStatus.Active, T0.AddMinutes(5), null)),
            Derived(10, Cycle(null)),
            Derived(11, Cycle(T0.AddMinutes(9)))));
        Assert.Empty(await EventsAfterAsync(cursor));
        all = await EventsAfterAsync("0");
        Assert.Equal(4, all.Count);
        Assert.Equal(T0.AddMinutes(9), all.Single(i => i.GetProperty("id").GetString() == ActiveId).GetProperty("end").GetDateTimeOffset().UtcDateTime);
        Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/cycle-time")).GetProperty("items").EnumerateArray());
        Assert.Equal("IDLE", (await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_same_event_id_on_two_machines_is_two_events()
    {
        await Batches.PostOkAsync(Edge, Batch(
            Derived(1, Status(ActiveId, MachineStatus.Active, T0, null), "m1"),
            Derived(2, Status(ActiveId, MachineStatus.Active, T0, T0.AddMinutes(1)), "m2")));
        var all = await EventsAfterAsync("0");
        Assert.Equal(["m1", "m2"], all.Select(i => i.GetProperty("machineId").GetString()));
        Assert.Equal(JsonValueKind.Null, all[0].GetProperty("end").ValueKind);
        Assert.Equal("ACTIVE", (await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_current_status_is_the_interval_derived_last_even_when_the_machine_clock_stepped_back()
    {
        // A control restarted with its clock an hour behind: the newest interval starts before the previous one.
        await Batches.PostOkAsync(Edge, Batch(
            Derived(1, Status("M1:1:5:status.ACTIVE", MachineStatus.Active, T0, T0.AddMinutes(10))),
            Derived(2, Status("M1:2:1:status.OFFLINE", MachineStatus.Offline, T0.AddHours(-1), null))));
        var state = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1");
        Assert.Equal("OFFLINE", state.GetProperty("status").GetString());
        Assert.Equal(T0.AddHours(-1), state.GetProperty("statusSince").GetDateTimeOffset().UtcDateTime);
    }
}

public sealed class OpenEventsTests_Sqlite() : OpenEventsTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class OpenEventsTests_Postgres(PostgresServer server) : OpenEventsTests(new PostgresBackend(server));
