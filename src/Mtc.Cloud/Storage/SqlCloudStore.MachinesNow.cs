namespace Mtc.Cloud.Storage;

/// <summary>
/// What a page of machines is doing now in five queries, not five per machine: each latest row is found by a correlated
/// subquery on the per-machine indexes (portable to SQLite and PostgreSQL, one index probe per machine).
/// </summary>
internal abstract partial class SqlCloudStore
{
    public async Task<IReadOnlyDictionary<string, MachineNow>> GetMachinesNowAsync(
        string tenant, IReadOnlyList<string> machineIds, IReadOnlyList<string>? valueTypes, CancellationToken ct)
    {
        var result = new Dictionary<string, MachineNow>(StringComparer.Ordinal);
        if (machineIds.Count == 0)
        {
            return result;
        }
        var (list, ids) = InList("@m", machineIds);
        (string, object?)[] With(params (string, object?)[] more) => [("@t", tenant), .. ids, .. more];
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var typeFilter = "";
            var typeArgs = Array.Empty<(string, object?)>();
            if (valueTypes is { Count: > 0 })
            {
                var (types, args) = InList("@vt", valueTypes.Select(v => v.ToUpperInvariant()).ToList());
                typeFilter = $" AND UPPER(type) IN ({types})";
                typeArgs = args;
            }
            var values = await QueryAsync(Command(c, null,
                "SELECT machine_id, data_item_id, name, category, type, value, level, ts, seq FROM current_values " +
                $"WHERE tenant = @t AND machine_id IN ({list}){typeFilter} ORDER BY machine_id, data_item_id", With(typeArgs)),
                r => (Machine: r.GetString(0), Row: new CurrentValueRow(r.GetString(1), Str(r, 2), Str(r, 3), Str(r, 4), Str(r, 5), Str(r, 6),
                    ReadTime(r, 7), r.GetInt64(8))), ct).ConfigureAwait(false);
            var cycles = await QueryAsync(Command(c, null,
                "SELECT c.machine_id, " + string.Join(", ", CycleColumns.Split(", ").Select(col => "c." + col)) + " FROM machines m JOIN cycles c ON c.id = " +
                "(SELECT l.id FROM cycles l WHERE l.tenant = m.tenant AND l.machine_id = m.id ORDER BY l.start_ts DESC, l.id DESC LIMIT 1) " +
                $"WHERE m.tenant = @t AND m.id IN ({list})", With()),
                r => (Machine: r.GetString(0), Row: ReadCycleAt(r, 1)), ct).ConfigureAwait(false);
            var status = await LatestEventsAsync(c, "status", list, With(("@type", "status")), ct).ConfigureAwait(false);
            var part = await LatestEventsAsync(c, "part", list, With(("@type", "part")), ct).ConfigureAwait(false);
            var open = await QueryAsync(Command(c, null,
                SelectEvents + $"WHERE tenant = @t AND machine_id IN ({list}) AND type = 'alarm' AND end_ts IS NULL ORDER BY start_ts DESC, cursor DESC",
                With()), ReadEvent, ct).ConfigureAwait(false);

            MachineNow Of(string id) => result.TryGetValue(id, out var now) ? now : MachineNow.None;
            foreach (var group in values.GroupBy(v => v.Machine, StringComparer.Ordinal))
            {
                result[group.Key] = Of(group.Key) with { Values = group.Select(v => v.Row).ToList() };
            }
            foreach (var (machine, row) in cycles)
            {
                result[machine] = Of(machine) with { LastCycle = row };
            }
            foreach (var row in status)
            {
                result[row.MachineId!] = Of(row.MachineId!) with { Status = row };
            }
            foreach (var row in part)
            {
                result[row.MachineId!] = Of(row.MachineId!) with { Part = row };
            }
            // As GetOpenAlarmAsync: the newest Fault, else the newest open alarm.
            foreach (var group in open.GroupBy(a => a.MachineId!, StringComparer.Ordinal))
            {
                result[group.Key] = Of(group.Key) with { Alarm = group.FirstOrDefault(IsFault) ?? group.First() };
            }
        }
        return result;
    }

    private Task<List<EventRow>> LatestEventsAsync(
        System.Data.Common.DbConnection c, string type, string machineList, (string, object?)[] args, CancellationToken ct) =>
        QueryAsync(Command(c, null,
            SelectEvents + "WHERE cursor IN (SELECT (SELECT e.cursor FROM events e WHERE e.tenant = m.tenant AND e.machine_id = m.id AND e.type = @type " +
            $"ORDER BY e.cursor DESC LIMIT 1) FROM machines m WHERE m.tenant = @t AND m.id IN ({machineList})) AND tenant = @t", args),
            ReadEvent, ct);
}
