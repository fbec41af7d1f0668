using System.Text;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Analytics;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Api;

/// <summary>Derived events of every type, as the edge sends them (the analytics types' own data), read back through <c>/api/ext/events</c>.</summary>
public abstract class AnalyticsEventsTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly DateTime T0 = Batches.T0.UtcDateTime;

    /// <summary>A realistic stretch of a lathe: idle, a cycle with its parts, an alarm, a setup, idle again.</summary>
    private static List<MachineEvent> Derived() =>
    [
        new StatusInterval { Id = "m1:1700000000:10:status", Start = T0, End = T0.AddMinutes(5), InstanceId = "1700000000", StartSequence = 10, Status = MachineStatus.Idle, Seconds = 300 },
        new StatusInterval { Id = "m1:1700000000:20:status", Start = T0.AddMinutes(5), End = T0.AddMinutes(9), StartSequence = 20, Status = MachineStatus.Active, Seconds = 240 },
        new MachineCycle { Id = "m1:1700000000:20:cycle", Start = T0.AddMinutes(5), End = T0.AddMinutes(9), StartSequence = 20, DurationSeconds = 240, ActiveSeconds = 230, InterruptedSeconds = 10, Program = "O1234", Parts = 2, Completion = CycleCompletion.Completed },
        new PartsProduced { Id = "m1:1700000000:31:part", Start = T0.AddMinutes(9), End = T0.AddMinutes(9), StartSequence = 31, Count = 2, Counter = 44 },
        new AlarmPeriod { Id = "m1:1700000000:35:alarm", Start = T0.AddMinutes(10), End = T0.AddMinutes(12), StartSequence = 35, NativeCode = "2041", Level = "FAULT", Message = "Spindle overload", DataItemId = "spindle_cond", ConditionType = "LOAD", DurationSeconds = 120 },
        new StatusInterval { Id = "m1:1700000000:35:status", Start = T0.AddMinutes(10), End = T0.AddMinutes(12), StartSequence = 35, Status = MachineStatus.Alarm, Seconds = 120 },
        new SetupPeriod { Id = "m1:1700000000:40:setup", Start = T0.AddMinutes(12), End = T0.AddMinutes(30), StartSequence = 40, Source = SetupSource.Derived, DurationSeconds = 1080, Program = "O2000" },
        new StatusInterval { Id = "m1:1700000000:60:status", Start = T0.AddMinutes(30), End = T0.AddMinutes(45), StartSequence = 60, Status = MachineStatus.Idle, Seconds = 900 },
    ];

    private static IngestBatch Batch(List<MachineEvent> events)
    {
        var records = events.Select((e, i) => (WireRecord)new DerivedEventRecord
        {
            Seq = i + 1,
            MachineId = "m1",
            Event = new DerivedEvent(e.Id, e.Type, new DateTimeOffset(e.Start, TimeSpan.Zero),
                e.End is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null, e.ToData()),
        }).ToList();
        records.Add(new GapRecord { Seq = records.Count + 1, MachineId = "m1", Source = "agent", Missed = 12, FromSequence = 50, ToSequence = 61, Reason = "buffer overrun" });
        return new IngestBatch("plant-1", "s1", 1, records.Count, records);
    }

    [Fact]
    public async Task Events_returns_every_derived_type_with_its_data_in_order()
    {
        var derived = Derived();
        await Batches.PostOkAsync(Edge, Batch(derived));
        var items = (await Batches.GetJsonAsync(Reader, "/api/ext/events?limit=100")).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(derived.Count + 1, items.Count);
        for (var i = 0; i < derived.Count; i++)
        {
            var e = derived[i];
            var item = items[i];
            Assert.Equal(e.Id, item.GetProperty("id").GetString());
            Assert.Equal(e.Type, item.GetProperty("type").GetString());
            Assert.Equal("edge", item.GetProperty("source").GetString());
            Assert.Equal("m1", item.GetProperty("machineId").GetString());
            Assert.Equal("plant-1", item.GetProperty("edgeId").GetString());
            Assert.Equal(e.Start, item.GetProperty("start").GetDateTimeOffset().UtcDateTime);
            Assert.Equal(e.End, item.GetProperty("end").GetDateTimeOffset().UtcDateTime);
            // The data comes back field for field as the analytics wrote it.
            var expected = e.ToData().EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
            var actual = item.GetProperty("data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
            Assert.Equal(expected, actual);
        }
        var gap = items[^1];
        Assert.Equal("gap", gap.GetProperty("type").GetString());
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("cursor").GetString()).Distinct().Count());

        var alarm = Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/events?type=alarm")).GetProperty("items").EnumerateArray());
        Assert.Equal("2041", alarm.GetProperty("data").GetProperty("nativeCode").GetString());
        Assert.Equal("Spindle overload", alarm.GetProperty("data").GetProperty("message").GetString());
        var statuses = (await Batches.GetJsonAsync(Reader, "/api/ext/events?type=status")).GetProperty("items").EnumerateArray()
            .Select(s => s.GetProperty("data").GetProperty("status").GetString()).ToList();
        Assert.Equal(["IDLE", "ACTIVE", "ALARM", "IDLE"], statuses);
        var setup = Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/events?type=setup")).GetProperty("items").EnumerateArray());
        Assert.Equal("derived", setup.GetProperty("data").GetProperty("source").GetString());
        var part = Assert.Single((await Batches.GetJsonAsync(Reader, "/api/ext/events?type=part")).GetProperty("items").EnumerateArray());
        Assert.Equal(2, part.GetProperty("data").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Events_after_a_cursor_include_later_derived_and_external_events_only()
    {
        using (var setup = await Edge.PostAsync("/api/ext/setup", new StringContent("""{"edgeId":"plant-1","machines":["m1"]}""", Encoding.UTF8, "application/json")))
        {
            Assert.True(setup.IsSuccessStatusCode);
        }
        var derived = Derived();
        await Batches.PostOkAsync(Edge, Batch(derived));
        var first = await Batches.GetJsonAsync(Reader, "/api/ext/events?limit=3");
        Assert.Equal(derived.Take(3).Select(e => e.Id), first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var cursor = first.GetProperty("nextCursor").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/event")
        {
            Content = new StringContent("""{"machineId":"m1","type":"downtime_reason","timestamp":"2026-11-27T08:10:00Z","data":{"reason":"tool change"}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "k-downtime-1");
        using (var posted = await Writer.SendAsync(request))
        {
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }

        var rest = (await Batches.GetJsonAsync(Reader, "/api/ext/events?limit=100&cursor=" + cursor)).GetProperty("items").EnumerateArray().ToList();
        var expectedIds = derived.Skip(3).Select(e => e.Id).ToList();
        Assert.Equal(expectedIds, rest.Take(expectedIds.Count).Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(["gap", "downtime_reason"], rest.Skip(expectedIds.Count).Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("external", rest[^1].GetProperty("source").GetString());
    }
}

public sealed class AnalyticsEventsTests_Sqlite() : AnalyticsEventsTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class AnalyticsEventsTests_Postgres(PostgresServer server) : AnalyticsEventsTests(new PostgresBackend(server));
