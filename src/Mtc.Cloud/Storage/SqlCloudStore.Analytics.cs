namespace Mtc.Cloud.Storage;

/// <summary>Reads over what the edge's analytics derived (status intervals, parts, cycles) for a machine's current state.</summary>
internal abstract partial class SqlCloudStore
{
    /// <summary>
    /// The event of that type stored last (highest cursor): the latest the edge derived, whether still open or ended. Not the
    /// latest start: a machine's clock can step back (a restarted control, joined recordings).
    /// </summary>
    public async Task<EventRow?> GetLatestEventAsync(string tenant, string machineId, string type, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                SelectEvents +
                "WHERE tenant = @t AND machine_id = @m AND type = @type ORDER BY cursor DESC LIMIT 1",
                ("@t", tenant), ("@m", machineId), ("@type", type)),
                ReadEvent,
                ct).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    public async Task<EventRow?> GetOpenAlarmAsync(string tenant, string machineId, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var open = await QueryAsync(Command(c, null,
                SelectEvents + "WHERE tenant = @t AND machine_id = @m AND type = 'alarm' AND end_ts IS NULL ORDER BY start_ts DESC, cursor DESC LIMIT 100",
                ("@t", tenant), ("@m", machineId)),
                ReadEvent,
                ct).ConfigureAwait(false);
            return open.FirstOrDefault(IsFault) ?? open.FirstOrDefault();
        }
    }

    /// <summary>The analytics name an alarm's highest level FAULT or WARNING.</summary>
    private static bool IsFault(EventRow alarm) =>
        string.Equals(Hosting.CloudJson.String(Hosting.CloudJson.Element(alarm.DataJson), "level"), "FAULT",
            StringComparison.OrdinalIgnoreCase);

    public async Task<IReadOnlyList<double>> GetRecentCycleDurationsAsync(string tenant, string machineId, int count, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                "SELECT duration_s FROM cycles WHERE tenant = @t AND machine_id = @m ORDER BY start_ts DESC, id DESC LIMIT @limit",
                ("@t", tenant), ("@m", machineId), ("@limit", (long)count)),
                r => r.GetDouble(0), ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<EventRow>> GetMachineEventsAsync(
        string tenant, string machineId, IReadOnlyList<string> types, DateTimeOffset? before, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var ps = new List<(string, object?)> { ("@t", tenant), ("@m", machineId) };
            var names = new List<string>();
            for (var i = 0; i < types.Count; i++)
            {
                names.Add("@type" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                ps.Add((names[^1], types[i]));
            }
            var sql = SelectEvents +
                "WHERE tenant = @t AND machine_id = @m AND type IN (" + string.Join(", ", names) + ")";
            if (before is { } b)
            {
                sql += " AND start_ts < @before";
                ps.Add(("@before", Normalize(b)));
            }
            return await QueryAsync(Command(c, null, sql + " ORDER BY start_ts, cursor", [.. ps]),
                ReadEvent,
                ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<EventRow>> GetEventsTouchingAsync(
        string tenant, IReadOnlyList<string> machineIds, IReadOnlyList<string> types, IReadOnlyList<string> pointTypes,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        if (machineIds.Count == 0)
        {
            return [];
        }
        var (machines, ids) = InList("@m", machineIds);
        var ps = new List<(string, object?)> { ("@t", tenant), ("@from", Normalize(from)), ("@to", Normalize(to)) };
        ps.AddRange(ids);
        string Names(IReadOnlyList<string> values, string prefix)
        {
            var (list, args) = InList(prefix, values);
            ps.AddRange(args);
            return values.Count == 0 ? "NULL" : list;
        }
        var points = Names(pointTypes, "@p");
        var spans = Names(types, "@type");
        var others = Names(types.Where(t => t != "status").ToList(), "@o");
        var machine = "e WHERE e.tenant = @t AND e.machine_id IN (" + machines + ") AND ";
        // Bounded parts, each on an index: what starts in the range; declared setup marks before it (to pair them);
        // intervals other than status that started before it and end in or after it or are still open; and per machine the
        // last status interval that started before it (status intervals follow one another: only that one can reach into
        // the range), unless it ended before the range. Not the intervals that end after the range from before it: on a
        // past day those are every later interval of the machine.
        var sql = new System.Text.StringBuilder("SELECT * FROM (")
            .Append(SelectEvents).Append(machine).Append("e.start_ts >= @from AND e.start_ts < @to AND (e.type IN (").Append(points)
            .Append(") OR e.type IN (").Append(spans).Append("))")
            .Append(" UNION ALL ").Append(SelectEvents).Append(machine).Append("e.start_ts < @from AND e.type IN (").Append(points).Append(')')
            .Append(" UNION ALL ").Append(SelectEvents).Append(machine).Append("e.start_ts < @from AND e.type IN (").Append(others)
            .Append(") AND (e.end_ts >= @from OR e.end_ts IS NULL)");
        if (types.Contains("status"))
        {
            sql.Append(" UNION ALL ").Append(SelectEvents).Append("e WHERE e.tenant = @t AND e.cursor IN (SELECT (SELECT l.cursor FROM events l ")
                .Append("WHERE l.tenant = m.tenant AND l.machine_id = m.id AND l.type = 'status' AND l.start_ts < @from ")
                .Append("ORDER BY l.start_ts DESC, l.cursor DESC LIMIT 1) FROM machines m WHERE m.tenant = @t AND m.id IN (").Append(machines)
                .Append(")) AND (e.end_ts >= @from OR e.end_ts IS NULL)");
        }
        sql.Append(") touching ORDER BY machine_id, start_ts, cursor");
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null, sql.ToString(), [.. ps]), ReadEvent, ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLastKnownTimesAsync(
        string tenant, IReadOnlyList<string> machineIds, CancellationToken ct)
    {
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (machineIds.Count == 0)
        {
            return result;
        }
        var (machines, ids) = InList("@m", machineIds);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var rows = await QueryAsync(Command(c, null,
                "SELECT machine_id, MAX(ts) FROM current_values WHERE tenant = @t AND machine_id IN (" + machines + ") GROUP BY machine_id " +
                "UNION ALL SELECT id, confirmed_at FROM machines WHERE tenant = @t AND id IN (" + machines + ") AND confirmed_at IS NOT NULL",
                [("@t", tenant), .. ids]), r => (Machine: r.GetString(0), Last: ReadTime(r, 1)), ct).ConfigureAwait(false);
            foreach (var (machine, last) in rows)
            {
                if (!result.TryGetValue(machine, out var known) || last > known)
                {
                    result[machine] = last;
                }
            }
        }
        return result;
    }

    public async Task<IReadOnlyList<(string MachineId, CycleRow Cycle)>> GetCyclesOfMachinesAsync(
        string tenant, IReadOnlyList<string> machineIds, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        if (machineIds.Count == 0)
        {
            return [];
        }
        var (machines, ids) = InList("@m", machineIds);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await QueryAsync(Command(c, null,
                "SELECT machine_id, " + CycleColumns + " FROM cycles WHERE tenant = @t AND machine_id IN (" + machines + ") " +
                "AND start_ts >= @from AND start_ts < @to ORDER BY machine_id, start_ts, id",
                [("@t", tenant), ("@from", Normalize(from)), ("@to", Normalize(to)), .. ids]),
                r => (r.GetString(0), ReadCycleAt(r, 1)), ct).ConfigureAwait(false);
        }
    }

    public async Task<int> ConfirmMachinesAsync(string tenant, string edgeId, IReadOnlyList<(string Id, DateTimeOffset At)> machines, CancellationToken ct)
    {
        if (machines.Count == 0)
        {
            return 0;
        }
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var updated = 0;
                foreach (var (id, at) in machines)
                {
                    updated += await ExecuteAsync(Command(c, tx,
                        "UPDATE machines SET confirmed_at = @at WHERE tenant = @t AND id = @m AND edge_id = @e " +
                        "AND (confirmed_at IS NULL OR confirmed_at < @at)",
                        ("@t", tenant), ("@m", id), ("@e", edgeId), ("@at", Normalize(at))), ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return updated;
            }
        }
    }
}
