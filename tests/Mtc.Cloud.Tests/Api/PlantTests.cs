using System.Net;
using System.Text.Json;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

/// <summary>
/// <c>GET/PUT /api/ext/plant</c>: the defaults, a Berlin calendar with a night shift over both daylight-saving changes, per-weekday
/// shifts, checks that name their field, admin only for changes, one plant per tenant. The host's clock is moved to known instants.
/// </summary>
public abstract class PlantTests(IBackend backend) : ApiTestBase(backend)
{
    private readonly ShiftedClock _clock = new();

    protected override TimeProvider Clock => _clock;

    /// <summary>Early, late and night (crossing midnight) every day in Berlin.</summary>
    internal const string ThreeShifts = """
        {"timeZone": "Europe/Berlin", "shifts": [
          {"name": "early", "start": "06:00", "end": "14:00"},
          {"name": "late", "start": "14:00", "end": "22:00"},
          {"name": "night", "start": "22:00", "end": "06:00"}]}
        """;

    private void SetNow(string utc) => _clock.Advance(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture) - _clock.GetUtcNow());

    internal static Task<HttpResponseMessage> PutAsync(HttpClient client, string json) =>
        client.PutAsync("/api/ext/plant", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    internal static async Task<JsonElement> PutOkAsync(HttpClient client, string json)
    {
        using var response = await PutAsync(client, json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT /api/ext/plant: {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Utc(JsonElement range, string name) =>
        range.GetProperty(name).GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-ddTHH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static (string Name, string From, string To)? Current(JsonElement plant) =>
        plant.GetProperty("currentShift") is { ValueKind: JsonValueKind.Object } s
            ? (s.GetProperty("name").GetString()!, Utc(s, "from"), Utc(s, "to"))
            : null;

    private static string Today(JsonElement plant) => Utc(plant.GetProperty("today"), "from") + "/" + Utc(plant.GetProperty("today"), "to");

    [Fact]
    public async Task A_plant_day_is_local_midnight_to_midnight_today_is_the_plants_and_a_bad_date_names_the_parameter()
    {
        await PutOkAsync(Admin, ThreeShifts);
        var spring = await Batches.GetJsonAsync(Reader, "/api/ext/plant/days/2026-03-29");
        Assert.Equal(("2026-03-29", "2026-03-28T23:00Z", "2026-03-29T22:00Z"), (spring.GetProperty("date").GetString(), Utc(spring, "from"), Utc(spring, "to")));
        var autumn = await Batches.GetJsonAsync(Reader, "/api/ext/plant/days/2026-10-25");
        Assert.Equal(("2026-10-24T22:00Z", "2026-10-25T23:00Z"), (Utc(autumn, "from"), Utc(autumn, "to")));

        // 23:30 UTC on the 27th is already the 28th in Berlin.
        SetNow("2026-11-27T23:30:00Z");
        var today = await Batches.GetJsonAsync(Reader, "/api/ext/plant/days/today");
        Assert.Equal(("2026-11-28", "2026-11-27T23:00Z", "2026-11-28T23:00Z"), (today.GetProperty("date").GetString(), Utc(today, "from"), Utc(today, "to")));

        // Another tenant has set nothing: its days are UTC days.
        var other = await Batches.GetJsonAsync(OtherTenant, "/api/ext/plant/days/2026-03-29");
        Assert.Equal(("2026-03-29T00:00Z", "2026-03-30T00:00Z"), (Utc(other, "from"), Utc(other, "to")));

        foreach (var bad in new[] { "2026-02-30", "29.03.2026", "tomorrow" })
        {
            using var response = await Reader.GetAsync("/api/ext/plant/days/" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("date", problem.RootElement.GetProperty("parameter").GetString());
        }
    }

    [Fact]
    public async Task A_tenant_that_set_nothing_has_utc_and_one_day_shift()
    {
        SetNow("2026-11-27T09:30:00Z");
        var plant = await Batches.GetJsonAsync(Reader, "/api/ext/plant");
        Assert.Equal("UTC", plant.GetProperty("timeZone").GetString());
        var shift = Assert.Single(plant.GetProperty("shifts").EnumerateArray());
        Assert.Equal(("day", "00:00", "24:00"), (shift.GetProperty("name").GetString(), shift.GetProperty("start").GetString(), shift.GetProperty("end").GetString()));
        Assert.Equal(JsonValueKind.Null, shift.GetProperty("days").ValueKind);
        Assert.Equal("2026-11-27T00:00Z/2026-11-28T00:00Z", Today(plant));
        Assert.Equal(("day", "2026-11-27T00:00Z", "2026-11-28T00:00Z"), Current(plant));
    }

    [Fact]
    public async Task Berlin_days_are_23_and_25_hours_and_the_night_shift_over_the_change_is_7_and_9()
    {
        var put = await PutOkAsync(Admin, ThreeShifts);
        Assert.Equal("Europe/Berlin", put.GetProperty("timeZone").GetString());
        Assert.Equal(["early", "late", "night"], put.GetProperty("shifts").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("06:00", put.GetProperty("shifts")[2].GetProperty("end").GetString());

        // Sunday 2026-03-29 08:00 CEST: clocks went forward at 02:00, so the day is 23 h and the night before it 7 h.
        SetNow("2026-03-29T06:00:00Z");
        var spring = await Batches.GetJsonAsync(Reader, "/api/ext/plant");
        Assert.Equal("2026-03-28T23:00Z/2026-03-29T22:00Z", Today(spring));
        Assert.Equal(("early", "2026-03-29T04:00Z", "2026-03-29T12:00Z"), Current(spring));
        SetNow("2026-03-29T01:30:00Z");
        Assert.Equal(("night", "2026-03-28T21:00Z", "2026-03-29T04:00Z"), Current(await Batches.GetJsonAsync(Reader, "/api/ext/plant")));

        // Sunday 2026-10-25: clocks went back at 03:00, a 25 h day and a 9 h night; at 02:30 the second time, still the night.
        SetNow("2026-10-25T01:30:00Z");
        var autumn = await Batches.GetJsonAsync(Reader, "/api/ext/plant");
        Assert.Equal("2026-10-24T22:00Z/2026-10-25T23:00Z", Today(autumn));
        Assert.Equal(("night", "2026-10-24T20:00Z", "2026-10-25T05:00Z"), Current(autumn));
        // 23:30 local on Sunday: the calendar day is still the 25 h one; the night started at 22:00 CET belongs to Sunday.
        SetNow("2026-10-25T22:30:00Z");
        var late = await Batches.GetJsonAsync(Reader, "/api/ext/plant");
        Assert.Equal("2026-10-24T22:00Z/2026-10-25T23:00Z", Today(late));
        Assert.Equal(("night", "2026-10-25T21:00Z", "2026-10-26T05:00Z"), Current(late));
    }

    [Fact]
    public async Task Per_weekday_shifts_apply_on_the_days_they_start_on_and_gaps_have_no_current_shift()
    {
        var put = await PutOkAsync(Admin, """
            {"timeZone": "Europe/Berlin", "shifts": [
              {"name": "early", "start": "06:00", "end": "14:00", "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
              {"name": "night", "start": "22:00", "end": "06:00", "days": ["fri"]},
              {"name": "saturday", "start": "07:00", "end": "12:00", "days": ["Sat"]}]}
            """);
        Assert.Equal(["Mon", "Tue", "Wed", "Thu", "Fri"], put.GetProperty("shifts")[0].GetProperty("days").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["Fri"], put.GetProperty("shifts")[1].GetProperty("days").EnumerateArray().Select(d => d.GetString()));
        // Friday 2026-11-27 10:00 CET: early. Saturday 03:00: Friday's night. Saturday 08:00: saturday. Saturday 13:00 and Sunday: none.
        SetNow("2026-11-27T09:00:00Z");
        Assert.Equal(("early", "2026-11-27T05:00Z", "2026-11-27T13:00Z"), Current(await Batches.GetJsonAsync(Reader, "/api/ext/plant")));
        SetNow("2026-11-28T02:00:00Z");
        Assert.Equal(("night", "2026-11-27T21:00Z", "2026-11-28T05:00Z"), Current(await Batches.GetJsonAsync(Reader, "/api/ext/plant")));
        SetNow("2026-11-28T07:00:00Z");
        Assert.Equal(("saturday", "2026-11-28T06:00Z", "2026-11-28T11:00Z"), Current(await Batches.GetJsonAsync(Reader, "/api/ext/plant")));
        SetNow("2026-11-28T12:00:00Z");
        var gap = await Batches.GetJsonAsync(Reader, "/api/ext/plant");
        Assert.Null(Current(gap));
        Assert.Equal("2026-11-27T23:00Z/2026-11-28T23:00Z", Today(gap));
        SetNow("2026-11-29T09:00:00Z");
        Assert.Null(Current(await Batches.GetJsonAsync(Reader, "/api/ext/plant")));
    }

    [Fact]
    public async Task Changing_the_plant_takes_admin_scope_and_reading_it_ext_read()
    {
        foreach (var client in new[] { Reader, Writer, Edge })
        {
            using var response = await PutAsync(client, ThreeShifts);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var edgeRead = await Edge.GetAsync("/api/ext/plant");
        Assert.Equal(HttpStatusCode.Forbidden, edgeRead.StatusCode);
        // Nothing changed.
        Assert.Equal("UTC", (await Batches.GetJsonAsync(Reader, "/api/ext/plant")).GetProperty("timeZone").GetString());
    }

    [Theory]
    [InlineData("""{"timeZone": "Mars/Olympus_Mons", "shifts": [{"name": "a", "start": "06:00", "end": "14:00"}]}""", "timeZone")]
    [InlineData("""{"timeZone": "W. Europe Standard Time", "shifts": [{"name": "a", "start": "06:00", "end": "14:00"}]}""", "timeZone")]
    [InlineData("""{"timeZone": "", "shifts": [{"name": "a", "start": "06:00", "end": "14:00"}]}""", "timeZone")]
    [InlineData("""{"shifts": [{"name": "a", "start": "06:00", "end": "14:00"}]}""", "timeZone")]
    [InlineData("""{"timeZone": "UTC", "shifts": []}""", "shifts")]
    [InlineData("""{"timeZone": "UTC", "shifts": [{"name": "a", "start": "6:00", "end": "14:00"}]}""", "shifts[0].start")]
    [InlineData("""{"timeZone": "UTC", "shifts": [{"name": "a", "start": "06:00", "end": "24:30"}]}""", "shifts[0].end")]
    [InlineData("""{"timeZone": "UTC", "shifts": [{"name": "a", "start": "06:00", "end": "06:00"}]}""", "shifts[0].end")]
    [InlineData("""{"timeZone": "UTC", "shifts": [{"name": "", "start": "06:00", "end": "14:00"}]}""", "shifts[0].name")]
    [InlineData("""{"timeZone": "UTC", "shifts": [{"name": "a", "start": "06:00", "end": "14:00", "days": ["Monday"]}]}""", "shifts[0].days")]
    [InlineData("""{"timeZone": "UTC", "shifts": [{"name": "a", "start": "06:00", "end": "14:00", "days": []}]}""", "shifts[0].days")]
    public async Task A_bad_plant_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var response = await PutAsync(Admin, body);
        var problem = await Batches.ProblemAsync(response, 400, "invalid-request");
        Assert.Equal(field, problem.GetProperty("field").GetString());
        if (field == "timeZone")
        {
            Assert.Equal("Europe/Berlin", problem.GetProperty("example").GetString());
            Assert.Contains("Europe/Berlin", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal("UTC", (await Batches.GetJsonAsync(Reader, "/api/ext/plant")).GetProperty("timeZone").GetString());
    }

    [Theory]
    [InlineData("""{"name": "early", "start": "06:00", "end": "14:00"}, {"name": "late", "start": "13:00", "end": "22:00"}""", "early", "late")]
    // The night crosses midnight into the early shift of the next day.
    [InlineData("""{"name": "early", "start": "06:00", "end": "14:00"}, {"name": "night", "start": "22:00", "end": "07:00"}""", "early", "night")]
    // Saturday's night runs into Sunday's early shift, across the end of the week as the days are numbered.
    [InlineData("""{"name": "early", "start": "05:00", "end": "13:00", "days": ["Sun"]}, {"name": "saturday night", "start": "22:00", "end": "06:00", "days": ["Sat"]}""", "early", "saturday night")]
    public async Task Overlapping_shifts_are_a_400_naming_both(string shifts, string first, string second)
    {
        using var response = await PutAsync(Admin, $$"""{"timeZone": "Europe/Berlin", "shifts": [{{shifts}}]}""");
        var problem = await Batches.ProblemAsync(response, 400, "invalid-request");
        Assert.Equal("shifts", problem.GetProperty("field").GetString());
        Assert.Equal([first, second], problem.GetProperty("shifts").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains($"{first} and {second} overlap", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shifts_on_different_days_at_the_same_time_do_not_overlap()
    {
        var put = await PutOkAsync(Admin, """
            {"timeZone": "UTC", "shifts": [
              {"name": "weekday", "start": "06:00", "end": "14:00", "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
              {"name": "weekend", "start": "06:00", "end": "18:00", "days": ["Sat", "Sun"]}]}
            """);
        Assert.Equal(2, put.GetProperty("shifts").GetArrayLength());
    }

    [Fact]
    public async Task Each_tenant_has_its_own_plant()
    {
        SetNow("2026-11-27T09:30:00Z");
        await PutOkAsync(Admin, ThreeShifts);
        var other = await Batches.GetJsonAsync(OtherTenant, "/api/ext/plant");
        Assert.Equal("UTC", other.GetProperty("timeZone").GetString());
        Assert.Equal(["day"], other.GetProperty("shifts").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        await PutOkAsync(OtherTenant, """{"timeZone": "America/Chicago", "shifts": [{"name": "first", "start": "07:00", "end": "15:30"}]}""");
        var globex = await Batches.GetJsonAsync(OtherTenant, "/api/ext/plant");
        Assert.Equal("America/Chicago", globex.GetProperty("timeZone").GetString());
        // 03:30 in Chicago (UTC-6): before the first shift; the day began at 06:00 UTC.
        Assert.Null(Current(globex));
        Assert.Equal("2026-11-27T06:00Z/2026-11-28T06:00Z", Today(globex));
        var acme = await Batches.GetJsonAsync(Reader, "/api/ext/plant");
        Assert.Equal("Europe/Berlin", acme.GetProperty("timeZone").GetString());
        Assert.Equal(("early", "2026-11-27T05:00Z", "2026-11-27T13:00Z"), Current(acme));
    }
}

public sealed class PlantTests_Sqlite() : PlantTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PlantTests_Postgres(PostgresServer server) : PlantTests(new PostgresBackend(server));
