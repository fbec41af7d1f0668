using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

internal static partial class MachinesApi
{
    public sealed record CycleItem(
        string Id, DateTimeOffset Start, DateTimeOffset End, double DurationSeconds, double? ActiveSeconds, double? InterruptedSeconds,
        string? Program, long? Parts, string? Completion);

    public sealed record Summary(long Count, double? Mean, double? Median, double? P90, double? Min, double? Max);

    public sealed record CyclePage(string MachineId, IReadOnlyList<CycleItem> Items, Summary Summary, string? NextCursor);

    public sealed record Condition(string? Level, string? NativeCode, string? NativeSeverity, string? Qualifier, string? ConditionId);

    public sealed record ObservationItem(
        string DataItemId, long Sequence, string? InstanceId, DateTimeOffset Timestamp, string? Value, string? Name,
        string? Category, string? Type, string? SubType, Condition? Condition);

    public sealed record ObservationPage(string MachineId, IReadOnlyList<ObservationItem> Items, string? NextCursor);

    internal static CycleItem ToItem(CycleRow c) =>
        new(c.EventId, c.Start, c.End, c.DurationSeconds, c.ActiveSeconds, c.InterruptedSeconds, c.Program, c.Parts, c.Completion);

    internal static Task<Results<Ok<CyclePage>, ProblemHttpResult>> CyclesByQueryAsync(
        string? machineId, string? from, string? to, [Range(1, QueryParsing.MaxLimit), DefaultValue(QueryParsing.DefaultLimit)] int? limit,
        string? cursor, [Description("asc (default): oldest first; desc: newest first, e.g. the last 100 cycles with limit=100.")] string? order,
        ClaimsPrincipal user, ICloudStore store, CancellationToken ct) =>
        string.IsNullOrEmpty(machineId)
            ? Task.FromResult<Results<Ok<CyclePage>, ProblemHttpResult>>(Problems.Invalid("machineId is required.", QueryParsing.Param("machineId")))
            : CyclesAsync(machineId, from, to, limit, cursor, order, user, store, ct);

    /// <summary>
    /// Cycles by start time, oldest or newest first. The cursor is the (start, id) of the last row given, bound to the query,
    /// so rows added later never shift a page; the summary covers the whole range, not only the page.
    /// </summary>
    internal static async Task<Results<Ok<CyclePage>, ProblemHttpResult>> CyclesAsync(
        string id, string? from, string? to, [Range(1, QueryParsing.MaxLimit), DefaultValue(QueryParsing.DefaultLimit)] int? limit,
        string? cursor, [Description("asc (default): oldest first; desc: newest first, e.g. the last 100 cycles with limit=100.")] string? order,
        ClaimsPrincipal user, ICloudStore store, CancellationToken ct)
    {
        if (!QueryParsing.TryRange(from, to, out var range, out var problem) ||
            !QueryParsing.TryLimit(limit, QueryParsing.DefaultLimit, QueryParsing.MaxLimit, out var take, out problem) ||
            !QueryParsing.TryOrder(order, out var newestFirst, out problem))
        {
            return problem!;
        }
        var query = QueryParsing.Scope("cycles", id, range, newestFirst ? "desc" : "asc");
        if (!QueryParsing.TryCursor(cursor, query, out var after, out problem))
        {
            return problem!;
        }
        var tenant = user.Tenant();
        if (await store.MachineMissingAsync(tenant, id, ct).ConfigureAwait(false) is { } missing)
        {
            return missing;
        }
        var rows = await store.GetCyclesAsync(tenant, id, range, after, take + 1, newestFirst, ct).ConfigureAwait(false);
        var page = rows.Take(take).ToList();
        var s = await store.GetCycleSummaryAsync(tenant, id, range, ct).ConfigureAwait(false);
        var next = rows.Count > take ? QueryParsing.EncodeCursor(page[^1].Start, page[^1].Id, query) : null;
        return TypedResults.Ok(new CyclePage(id, page.Select(ToItem).ToList(), new Summary(s.Count, s.Mean, s.Median, s.P90, s.Min, s.Max), next));
    }

    internal static async Task<Results<Ok<ObservationPage>, ProblemHttpResult>> ObservationsAsync(
        string id, string? from, string? to, string? dataItemId,
        [Range(1, QueryParsing.MaxObservationLimit), DefaultValue(QueryParsing.DefaultObservationLimit)] int? limit, string? cursor, ClaimsPrincipal user, ICloudStore store,
        CancellationToken ct)
    {
        if (!QueryParsing.TryRange(from, to, out var range, out var problem) ||
            !QueryParsing.TryLimit(limit, QueryParsing.DefaultObservationLimit, QueryParsing.MaxObservationLimit, out var take, out problem) ||
            !QueryParsing.TryCursor(cursor, QueryParsing.Scope("observations", id, range, dataItemId ?? ""), out var after, out problem))
        {
            return problem!;
        }
        var tenant = user.Tenant();
        if (await store.MachineMissingAsync(tenant, id, ct).ConfigureAwait(false) is { } missing)
        {
            return missing;
        }
        var rows = await store.GetObservationsAsync(tenant, id, range, string.IsNullOrEmpty(dataItemId) ? null : dataItemId, after, take + 1, ct)
            .ConfigureAwait(false);
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? QueryParsing.EncodeCursor(page[^1].Timestamp, page[^1].Id, QueryParsing.Scope("observations", id, range, dataItemId ?? "")) : null;
        return TypedResults.Ok(new ObservationPage(id, page.Select(o => new ObservationItem(o.DataItemId, o.Sequence, o.InstanceId, o.Timestamp,
            o.Value, o.Name, o.Category, o.Type, o.SubType,
            o.Level is null ? null : new Condition(o.Level, o.NativeCode, o.NativeSeverity, o.Qualifier, o.ConditionId))).ToList(), next));
    }
}
