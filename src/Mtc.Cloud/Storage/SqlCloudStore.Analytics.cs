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

    public async Task<IReadOnlyList<EventRow>> GetMachineEventsTouchingAsync(
        string tenant, string machineId, IReadOnlyList<string> types, IReadOnlyList<string> pointTypes, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var ps = new List<(string, object?)> { ("@t", tenant), ("@m", machineId), ("@from", Normalize(from)), ("@to", Normalize(to)) };
            string Names(IReadOnlyList<string> values, string prefix)
            {
                var names = new List<string>();
                for (var i = 0; i < values.Count; i++)
                {
                    names.Add(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    ps.Add((names[^1], values[i]));
                }
                return names.Count == 0 ? "NULL" : string.Join(", ", names);
            }
            // Four bounded parts (each on an index): what starts in the range; declared setup marks before it (to pair them);
            // intervals that started before it and end in or after it; those still open, unless a later status interval
            // that started before the range cut a status short.
            var points = Names(pointTypes, "@p");
            var spans = Names(types, "@type");
            const string Machine = "e WHERE tenant = @t AND machine_id = @m AND ";
            var sql = "SELECT * FROM (" +
                SelectEvents + Machine + "start_ts >= @from AND start_ts < @to AND (type IN (" + points + ") OR type IN (" + spans + "))" +
                " UNION ALL " + SelectEvents + Machine + "start_ts < @from AND type IN (" + points + ")" +
                " UNION ALL " + SelectEvents + Machine + "start_ts < @from AND type IN (" + spans + ") AND end_ts >= @from" +
                " UNION ALL " + SelectEvents + Machine + "start_ts < @from AND type IN (" + spans + ") AND end_ts IS NULL AND NOT (type = 'status' AND " +
                "EXISTS (SELECT 1 FROM events n WHERE n.tenant = e.tenant AND n.machine_id = e.machine_id AND n.type = 'status' AND " +
                "n.start_ts > e.start_ts AND n.start_ts < @from))) touching";
            return await QueryAsync(Command(c, null, sql + " ORDER BY start_ts, cursor", [.. ps]), ReadEvent, ct).ConfigureAwait(false);
        }
    }
}
