using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Cloud.Tests.Pages;
using Mtc.Core.Analytics;

namespace Mtc.Cloud.Tests.Api;

/// <summary><c>GET /api/ext/machines/{id}/events</c>: a machine's events touching a range, by start time, paged by cursor.</summary>
public abstract class MachineEventsTests(IBackend backend) : ApiTestBase(backend)
{
    private static readonly DateTime Day = new(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc);
    private const string Range = "from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z";

    private async Task PostDayAsync()
    {
        MachineEvent[] events =
        [
            MachineDay.Alarm("a-before", Day.AddHours(-10), Day.AddHours(-9), "E1", "ended the day before"),
            MachineDay.Alarm("a-across", Day.AddMinutes(-10), Day.AddMinutes(10), "E2", "across midnight"),
            MachineDay.Cycle("c1", Day.AddHours(8), 240),
            MachineDay.Alarm("a-morning", Day.AddHours(10), Day.AddHours(10).AddMinutes(5), "E3", "spindle <overload>"),
            MachineDay.Alarm("a-open", Day.AddHours(20), null, "E4", "still open"),
            MachineDay.Alarm("a-next", Day.AddHours(25), Day.AddHours(26), "E5", "the next day"),
        ];
        await MachineDay.PostAsync(Edge, "m1", 1, events);
    }

    private static List<string?> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();

    [Fact]
    public async Task Alarms_of_a_day_include_the_one_across_midnight_and_the_open_one_and_page_by_cursor()
    {
        await PostDayAsync();
        var first = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/events?" + Range + "&type=alarm&limit=2");
        Assert.Equal("m1", first.GetProperty("machineId").GetString());
        Assert.Equal(["a-across", "a-morning"], Ids(first));
        var cursor = first.GetProperty("nextCursor").GetString();
        Assert.NotNull(cursor);
        var second = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/events?" + Range + "&type=alarm&limit=2&cursor=" + cursor);
        Assert.Equal(["a-open"], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var morning = first.GetProperty("items")[1];
        Assert.Equal("alarm", morning.GetProperty("type").GetString());
        Assert.Equal(new DateTimeOffset(Day.AddHours(10)), morning.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(Day.AddHours(10).AddMinutes(5)), morning.GetProperty("end").GetDateTimeOffset());
        Assert.Equal("E3", morning.GetProperty("data").GetProperty("nativeCode").GetString());
        Assert.Equal("spindle <overload>", morning.GetProperty("data").GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("items")[0].GetProperty("end").ValueKind);

        // Without a type: every derived type, the cycle among the alarms in start order.
        var all = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/events?" + Range);
        Assert.Equal(["a-across", "c1", "a-morning", "a-open"], Ids(all));
        var cycles = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/events?" + Range + "&type=cycle");
        Assert.Equal(["c1"], Ids(cycles));
    }

    [Fact]
    public async Task The_range_is_required_a_cursor_is_bound_to_its_query_and_another_tenant_gets_404()
    {
        await PostDayAsync();
        using (var noTo = await Reader.GetAsync("/api/ext/machines/m1/events?from=2026-11-27T00:00:00Z"))
        {
            var problem = await Batches.ProblemAsync(noTo, 400, "invalid-request");
            Assert.Equal("to", problem.GetProperty("parameter").GetString());
        }
        using (var backwards = await Reader.GetAsync("/api/ext/machines/m1/events?from=2026-11-28T00:00:00Z&to=2026-11-27T00:00:00Z"))
        {
            await Batches.ProblemAsync(backwards, 400, "invalid-request");
        }
        var page = await Batches.GetJsonAsync(Reader, "/api/ext/machines/m1/events?" + Range + "&type=alarm&limit=1");
        using (var mismatch = await Reader.GetAsync("/api/ext/machines/m1/events?" + Range + "&type=cycle&limit=1&cursor=" + page.GetProperty("nextCursor").GetString()))
        {
            await Batches.ProblemAsync(mismatch, 400, "cursor-mismatch");
        }
        using (var other = await OtherTenant.GetAsync("/api/ext/machines/m1/events?" + Range))
        {
            await Batches.ProblemAsync(other, 404, "not-found");
        }
        using (var unknown = await Reader.GetAsync("/api/ext/machines/nope/events?" + Range))
        {
            await Batches.ProblemAsync(unknown, 404, "not-found");
        }
    }
}

public sealed class MachineEventsTests_Sqlite() : MachineEventsTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class MachineEventsTests_Postgres(PostgresServer server) : MachineEventsTests(new PostgresBackend(server));
