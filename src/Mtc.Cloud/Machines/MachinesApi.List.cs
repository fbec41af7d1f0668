using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Machines;

/// <summary><c>GET /api/ext/machines</c>: the tenant's machines by id, each with what it is doing now, paged by cursor.</summary>
internal static partial class MachinesApi
{
    public sealed record CurrentAlarm(string? Code, string? Level, string? Message, DateTimeOffset Since);

    public sealed record MachineItem(
        string Id, string? Name, string? Uuid, string? EdgeId, DateTimeOffset? LastSeen,
        string? Status, DateTimeOffset? StatusSince, string? Program, long? PartCount, CurrentAlarm? Alarm);

    public sealed record MachineList(IReadOnlyList<MachineItem> Items, string? NextCursor);

    internal static async Task<Results<Ok<MachineList>, ProblemHttpResult>> ListAsync(
        [Range(1, QueryParsing.MaxLimit), DefaultValue(QueryParsing.DefaultLimit)] int? limit, string? cursor,
        ClaimsPrincipal user, ICloudStore store, CancellationToken ct)
    {
        const string query = "machines";
        if (!QueryParsing.TryLimit(limit, QueryParsing.DefaultLimit, QueryParsing.MaxLimit, out var take, out var problem) ||
            !QueryParsing.TryKeyCursor(cursor, query, out var after, out problem))
        {
            return problem!;
        }
        var tenant = user.Tenant();
        var rows = (await store.ListMachinesAsync(tenant, ct).ConfigureAwait(false))
            .Where(m => after is null || string.CompareOrdinal(m.Id, after) > 0)
            .OrderBy(m => m.Id, StringComparer.Ordinal).Take(take + 1).ToList();
        var page = rows.Take(take).ToList();
        var items = new List<MachineItem>(page.Count);
        var current = await store.GetMachinesNowAsync(tenant, page.Select(m => m.Id).ToList(), SnapshotValueTypes, ct).ConfigureAwait(false);
        foreach (var m in page)
        {
            var now = ToSnapshot(current.GetValueOrDefault(m.Id, MachineNow.None));
            items.Add(new MachineItem(m.Id, m.Name, m.Uuid, m.EdgeId, m.LastSeen, now.Status, now.StatusSince, now.Program, now.PartCount,
                ToAlarm(now.Alarm)));
        }
        var next = rows.Count > take ? QueryParsing.EncodeKeyCursor(page[^1].Id, query) : null;
        return TypedResults.Ok(new MachineList(items, next));
    }

    /// <summary>An open alarm event as the API shows it: its native code, level, message and start.</summary>
    private static CurrentAlarm? ToAlarm(EventRow? alarm) => alarm is null ? null : new CurrentAlarm(
        DataString(alarm, "nativeCode"), DataString(alarm, "level"), DataString(alarm, "message"), alarm.Start);
}
