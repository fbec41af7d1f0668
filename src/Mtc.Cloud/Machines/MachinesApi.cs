using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary>The machines of the caller's tenant and their current state.</summary>
internal static partial class MachinesApi
{

    public sealed record CurrentValue(
        string DataItemId, string? Name, string? Category, string? Type, string? Value, string? Level, DateTimeOffset Timestamp, long Sequence);

    public sealed record MachineState(
        string Id, string? Name, string? Uuid, string? EdgeId, DateTimeOffset? LastSeen,
        string? Status, DateTimeOffset? StatusSince, string? Program, long? PartCount, double? IdleMinutes, CycleItem? LastCycle,
        double? AverageCycleSeconds, int RecentCycles, bool HasDeviceModel, IReadOnlyList<CurrentValue> Values, CurrentAlarm? Alarm);

    /// <summary>How many of the latest cycles the average in a machine's state covers.</summary>
    public const int RecentCycleCount = 10;

    public static IEndpointRouteBuilder MapMachinesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ext").RequireAuthorization(Scopes.ExtRead).WithTags("Machines");
        group.MapGet("/machines", ListAsync).WithName("ListMachines").WithSummary("The tenant's machines");
        group.MapGet("/machines/{id}", GetAsync).WithName("GetMachine")
            .WithSummary("A machine's current state: status, program, part count, idle minutes, last cycle, latest value per data item")
            .WithDescription("The status is the status interval the edge derived last, including the one running now; lastCycle and " +
                "the average cover ended cycles only.");
        group.MapGet("/machines/{id}/cycle-time", CyclesAsync).WithName("GetMachineCycleTime").WithSummary("A machine's cycles and their summary");
        group.MapGet("/cycle-time", CyclesByQueryAsync).WithName("GetCycleTime").WithSummary("Cycles of the machine named by machineId");
        group.MapGet("/machines/{id}/observations", ObservationsAsync).WithName("GetObservations")
            .WithSummary("A machine's raw observations in time order");
        group.MapGet("/machines/{id}/setups", SetupsApi.GetAsync).WithName("GetMachineSetups")
            .WithSummary("A machine's setups: derived by the edge and declared through POST /api/ext/event, merged by start time");
        group.MapGet("/machines/{id}/events", MachineEventsApi.GetAsync).WithName("GetMachineEvents")
            .WithSummary("A machine's events touching a range (alarms, cycles, setups...), by start time")
            .WithDescription("Events that start before to and end at or after from, or are still running (end null), oldest first. " +
                "from and to are required. Pass nextCursor to get the next page; it is null on the last one.");
        group.MapGet("/machines/{id}/timeline", TimelineApi.GetAsync).WithName("GetMachineTimeline")
            .WithSummary("A machine's status timeline; IDLE inside a declared setup is SETUP")
            .WithDescription("The interval running now (open: true) reaches the machine's last known time: the latest observation " +
                "timestamp stored for it, on the machine's clock.");
        return app;
    }

    internal static async Task<Results<Ok<MachineState>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, ICloudStore store, TimeProvider time, CancellationToken ct)
    {
        var tenant = user.Tenant();
        var machine = await store.GetMachineAsync(tenant, id, ct).ConfigureAwait(false);
        if (machine is null)
        {
            return Problems.NotFound("machine", id);
        }
        var now = await SnapshotAsync(store, tenant, id, ct).ConfigureAwait(false);
        var recent = await store.GetRecentCycleDurationsAsync(tenant, id, RecentCycleCount, ct).ConfigureAwait(false);
        double? idle = null;
        if (now.Status is not null && now.StatusSince is { } from && !string.Equals(now.Status, "ACTIVE", StringComparison.OrdinalIgnoreCase)
            && (now.FromController || string.Equals(now.Status, "IDLE", StringComparison.OrdinalIgnoreCase)))
        {
            idle = Math.Round(Math.Max(0, (time.GetUtcNow() - from).TotalMinutes), 1);
        }
        return TypedResults.Ok(new MachineState(machine.Id, machine.Name, machine.Uuid, machine.EdgeId, machine.LastSeen,
            now.Status, now.StatusSince, now.Program, now.PartCount, idle, now.LastCycle is null ? null : ToItem(now.LastCycle),
            recent.Count == 0 ? null : recent.Average(), recent.Count, machine.HasDeviceModel,
            now.Values.Select(v => new CurrentValue(v.DataItemId, v.Name, v.Category, v.Type, v.Value, v.Level, v.Timestamp, v.Sequence)).ToList(),
            ToAlarm(now.Alarm)));
    }

    /// <summary>What a machine is doing now, the same for its state and for the list.</summary>
    private sealed record Snapshot(
        string? Status, DateTimeOffset? StatusSince, bool FromController, string? Program, long? PartCount, CycleRow? LastCycle,
        IReadOnlyList<CurrentValueRow> Values, EventRow? Alarm);

    private static async Task<Snapshot> SnapshotAsync(ICloudStore store, string tenant, string id, CancellationToken ct) =>
        ToSnapshot((await store.GetMachinesNowAsync(tenant, [id], null, ct).ConfigureAwait(false)).GetValueOrDefault(id, MachineNow.None));

    /// <summary>The current value types a machine's snapshot reads; the list asks for these only.</summary>
    private static readonly string[] SnapshotValueTypes = ["EXECUTION", "PROGRAM", "PART_COUNT"];

    private static Snapshot ToSnapshot(MachineNow now)
    {
        var values = now.Values;
        var last = now.LastCycle;
        var execution = Latest(values, "EXECUTION");
        var program = Latest(values, "PROGRAM")?.Value ?? last?.Program;
        var parts = Latest(values, "PART_COUNT");
        long? partCount = parts?.Value is { } p && long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : DataLong(now.Part, "counter");
        // The analytics' latest status interval is the machine's status; without analytics, the controller's execution state.
        var derived = DataString(now.Status, "status");
        var status = derived ?? execution?.Value;
        var since = derived is null ? execution?.Timestamp : now.Status!.Start;
        return new Snapshot(status, since, derived is null, program, partCount, last, values, now.Alarm);
    }

    private static string? DataString(EventRow? row, string property) => CloudJson.String(CloudJson.Element(row?.DataJson), property);

    private static long? DataLong(EventRow? row, string property) =>
        CloudJson.Element(row?.DataJson) is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty(property, out var v)
            && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static CurrentValueRow? Latest(IReadOnlyList<CurrentValueRow> values, string type) =>
        values.Where(v => string.Equals(v.Type, type, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.Timestamp).ThenBy(v => v.Sequence).LastOrDefault();
}
