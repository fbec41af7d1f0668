using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary>The machines of the caller's tenant and their current state.</summary>
internal static partial class MachinesApi
{
    public sealed record MachineItem(string Id, string? Name, string? Uuid, string? EdgeId, DateTimeOffset? LastSeen);

    public sealed record MachineList(IReadOnlyList<MachineItem> Items);

    public sealed record CurrentValue(
        string DataItemId, string? Name, string? Category, string? Type, string? Value, string? Level, DateTimeOffset Timestamp, long Sequence);

    public sealed record MachineState(
        string Id, string? Name, string? Uuid, string? EdgeId, DateTimeOffset? LastSeen,
        string? Status, string? Program, long? PartCount, double? IdleMinutes, CycleItem? LastCycle, bool HasDeviceModel,
        IReadOnlyList<CurrentValue> Values);

    public static IEndpointRouteBuilder MapMachinesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ext").RequireAuthorization(Scopes.ExtRead).WithTags("Machines");
        group.MapGet("/machines", ListAsync).WithName("ListMachines").WithSummary("The tenant's machines");
        group.MapGet("/machines/{id}", GetAsync).WithName("GetMachine")
            .WithSummary("A machine's current state: status, program, part count, idle minutes, last cycle, latest value per data item");
        group.MapGet("/machines/{id}/cycle-time", CyclesAsync).WithName("GetMachineCycleTime").WithSummary("A machine's cycles and their summary");
        group.MapGet("/cycle-time", CyclesByQueryAsync).WithName("GetCycleTime").WithSummary("Cycles of the machine named by machineId");
        group.MapGet("/machines/{id}/observations", ObservationsAsync).WithName("GetObservations")
            .WithSummary("A machine's raw observations in time order");
        return app;
    }

    internal static async Task<Ok<MachineList>> ListAsync(ClaimsPrincipal user, ICloudStore store, CancellationToken ct)
    {
        var rows = await store.ListMachinesAsync(user.Tenant(), ct).ConfigureAwait(false);
        return TypedResults.Ok(new MachineList(rows.Select(m => new MachineItem(m.Id, m.Name, m.Uuid, m.EdgeId, m.LastSeen)).ToList()));
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
        var values = await store.GetCurrentValuesAsync(tenant, id, ct).ConfigureAwait(false);
        var last = await store.GetLastCycleAsync(tenant, id, ct).ConfigureAwait(false);
        var execution = Latest(values, "EXECUTION");
        var program = Latest(values, "PROGRAM");
        var parts = Latest(values, "PART_COUNT");
        double? idle = null;
        if (execution is { Value: { } status } && !string.Equals(status, "ACTIVE", StringComparison.OrdinalIgnoreCase))
        {
            idle = Math.Round(Math.Max(0, (time.GetUtcNow() - execution.Timestamp).TotalMinutes), 1);
        }
        long? partCount = parts?.Value is { } p && long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        return TypedResults.Ok(new MachineState(machine.Id, machine.Name, machine.Uuid, machine.EdgeId, machine.LastSeen,
            execution?.Value, program?.Value, partCount, idle, last is null ? null : ToItem(last), machine.HasDeviceModel,
            values.Select(v => new CurrentValue(v.DataItemId, v.Name, v.Category, v.Type, v.Value, v.Level, v.Timestamp, v.Sequence)).ToList()));
    }

    private static CurrentValueRow? Latest(IReadOnlyList<CurrentValueRow> values, string type) =>
        values.Where(v => string.Equals(v.Type, type, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.Timestamp).ThenBy(v => v.Sequence).LastOrDefault();
}
