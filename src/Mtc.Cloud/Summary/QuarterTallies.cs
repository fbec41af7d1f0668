using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Summary;

/// <summary>A stretch of one machine's time and what it adds to a summary.</summary>
internal readonly record struct Piece(DateTimeOffset Start, DateTimeOffset End, Tally Tally);

/// <summary>
/// A summary's rows read through the stored quarter hours: a quarter that has passed for a machine (it ends by the machine's
/// last known time and by now) is computed once and stored; a summary then reads only the rows after its machines' stored
/// quarters (the one running now, and anything a late change made to compute again) and the part of its range before the first
/// full quarter. Quarters are 15 minutes of UTC, so the hours, days and shifts of every plant time zone (all are whole quarter
/// hours off UTC) start on one; a bucket that does not is summed from the rows, as before.
/// </summary>
internal static class QuarterTallies
{
    public static readonly TimeSpan Quarter = TimeSpan.FromMinutes(15), Hour = TimeSpan.FromHours(1);

    /// <summary>How many quarters one summary stores at most (the rest on the next ones), so a first look at 92 days of a large fleet stays short.</summary>
    internal const int MaxStoredPerRequest = 20_000;

    /// <summary>
    /// Each machine's pieces covering [<paramref name="from"/>, <paramref name="to"/>) in time order, cut at every boundary of
    /// <paramref name="buckets"/>; null when a bucket boundary is not on a quarter or the range holds no whole quarter that
    /// has passed (the caller sums the rows).
    /// </summary>
    public static async Task<IReadOnlyList<List<Piece>>?> LoadAsync(
        ICloudStore store, string tenant, IReadOnlyList<string> machineIds, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now,
        IReadOnlyList<BucketRange>? buckets, CancellationToken ct)
    {
        var cuts = (buckets ?? []).SelectMany(b => new[] { b.From, b.To }).Where(c => c > from && c < to).Distinct().Order().ToList();
        var first = Ceiling(from);
        var passed = Floor(to < now ? to : now);
        if (machineIds.Count == 0 || first >= passed || cuts.Any(c => c.UtcTicks % Quarter.Ticks != 0))
        {
            return null;
        }
        // Where every bucket boundary is on an hour, the whole hours are read as hours only (a missing one is computed again).
        var hoursFrom = new DateTimeOffset(first.UtcTicks + ((Hour.Ticks - (first.UtcTicks % Hour.Ticks)) % Hour.Ticks), TimeSpan.Zero);
        var hoursTo = new DateTimeOffset(passed.UtcTicks - (passed.UtcTicks % Hour.Ticks), TimeSpan.Zero);
        var hours = hoursFrom < hoursTo && cuts.All(c => c.UtcTicks % Hour.Ticks == 0) ? (hoursFrom, hoursTo) : ((DateTimeOffset, DateTimeOffset)?)null;
        // Both before the rows computed from (the generations must be); at once, each on its own connection.
        var lastKnownRead = store.GetLastKnownTimesAsync(tenant, machineIds, ct);
        var stored = await store.GetSummaryQuartersAsync(tenant, machineIds, first, passed, ct, hours).ConfigureAwait(false);
        var lastKnown = await lastKnownRead.ConfigureAwait(false);
        var rows = new Dictionary<(string, DateTimeOffset, int), string>(stored.Quarters.Count);
        foreach (var (machine, start, minutes, tally) in stored.Quarters)
        {
            rows[(machine, start, minutes)] = tally;
        }
        Tally? Stored(string id, DateTimeOffset start, TimeSpan length) =>
            rows.TryGetValue((id, start, (int)length.TotalMinutes), out var json) ? Parsed(json) : null;

        var cached = new List<Piece>[machineIds.Count];
        var rawFrom = new DateTimeOffset[machineIds.Count];
        var sealedTo = new DateTimeOffset[machineIds.Count];
        for (var i = 0; i < machineIds.Count; i++)
        {
            var id = machineIds[i];
            // Passed for the machine: up to its last known time, where what is still open ends for now (nothing without one).
            var end = lastKnown.TryGetValue(id, out var k) ? (Floor(k) < passed ? Floor(k) : passed) : first;
            sealedTo[i] = end > first ? end : first;
            cached[i] = [];
            var q = first;
            while (q < sealedTo[i])
            {
                // An hour where one fits (whole, passed, no bucket boundary inside it), else a quarter.
                if (FitsHour(q, sealedTo[i], cuts) && Stored(id, q, Hour) is { } hour)
                {
                    cached[i].Add(new Piece(q, q + Hour, hour));
                    q += Hour;
                }
                else if (Stored(id, q, Quarter) is { } quarter)
                {
                    cached[i].Add(new Piece(q, q + Quarter, quarter));
                    q += Quarter;
                }
                else
                {
                    break;
                }
            }
            rawFrom[i] = q;
        }

        // The rows after each machine's stored quarters, one read per distinct start (all machines share one when live).
        var leadRead = from < first ? MachineActivity.LoadManyAsync(store, tenant, machineIds, from, first, ct, lastKnown) : null;
        var raw = new MachineActivity[machineIds.Count];
        foreach (var group in Enumerable.Range(0, machineIds.Count).GroupBy(i => rawFrom[i]))
        {
            var indexes = group.ToList();
            var loaded = group.Key >= to
                ? indexes.Select(_ => MachineActivity.Empty).ToList()
                : await MachineActivity.LoadManyAsync(store, tenant, indexes.Select(i => machineIds[i]).ToList(), group.Key, to, ct, lastKnown)
                    .ConfigureAwait(false);
            for (var j = 0; j < indexes.Count; j++)
            {
                raw[indexes[j]] = loaded[j];
            }
        }
        var lead = leadRead is null ? null : await leadRead.ConfigureAwait(false);

        var budget = Math.Max(4, MaxStoredPerRequest / machineIds.Count);
        var writes = new List<SummaryQuartersWrite>();
        var pieces = new List<Piece>[machineIds.Count];
        for (var i = 0; i < machineIds.Count; i++)
        {
            var id = machineIds[i];
            var list = new List<Piece>(cached[i].Count + 8);
            if (lead is not null)
            {
                list.Add(new Piece(from, first, KpiCalculator.Tally(lead[i], from, first)));
            }
            list.AddRange(cached[i]);
            var index = KpiCalculator.Index.Of(raw[i]);
            Piece Cut(DateTimeOffset a, DateTimeOffset b) => new(a, b, KpiCalculator.Tally(index.Slice(a, b), a, b));
            var computed = new List<(DateTimeOffset, int, string)>();
            var at = rawFrom[i];
            for (; at < sealedTo[i]; at += Quarter)
            {
                var piece = Cut(at, at + Quarter);
                list.Add(piece);
                if (computed.Count < budget)
                {
                    computed.Add((at, (int)Quarter.TotalMinutes, piece.Tally.ToJson()));
                }
            }
            // Hours whose four quarters are known now (stored before or just computed) and that are not stored as an hour: at
            // most a quarter more rows than the quarters.
            computed.AddRange(Hours(list, first, sealedTo[i]).Where(h => !rows.ContainsKey((id, h.Start, (int)Hour.TotalMinutes)))
                .Take(Math.Max(1, budget / 4)).Select(h => (h.Start, (int)Hour.TotalMinutes, h.Tally.ToJson())));
            foreach (var cut in cuts.Where(c => c > at))
            {
                list.Add(Cut(at, cut));
                at = cut;
            }
            if (at < to)
            {
                list.Add(Cut(at, to));
            }
            pieces[i] = list;
            if (computed.Count > 0 && stored.Generations.TryGetValue(id, out var generation))
            {
                writes.Add(new SummaryQuartersWrite(id, generation, computed));
            }
        }
        await store.PutSummaryQuartersAsync(tenant, writes, ct).ConfigureAwait(false);
        return pieces;
    }

    /// <summary>Stored tallies read before, by their text: a summary polled every few seconds reads the same rows again.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Tally> ParsedTallies = new(StringComparer.Ordinal);

    /// <summary>How many parsed tallies are kept at most (then the cache starts over).</summary>
    private const int MaxParsedTallies = 200_000;

    /// <summary>
    /// The tally of a stored text, parsed once: a tally is only read after it is made (sums are new tallies), so one object
    /// serves every summary whose row holds that text; null when the text is not a tally.
    /// </summary>
    private static Tally? Parsed(string json)
    {
        if (ParsedTallies.TryGetValue(json, out var known))
        {
            return known;
        }
        if (Tally.FromJson(json) is not { } tally)
        {
            return null;
        }
        if (ParsedTallies.Count >= MaxParsedTallies)
        {
            ParsedTallies.Clear();
        }
        ParsedTallies[json] = tally;
        return tally;
    }

    /// <summary>Whether the hour starting at <paramref name="at"/> is one piece: on an hour, passed, no bucket boundary inside.</summary>
    private static bool FitsHour(DateTimeOffset at, DateTimeOffset sealedTo, List<DateTimeOffset> cuts) =>
        at.UtcTicks % Hour.Ticks == 0 && at + Hour <= sealedTo && !cuts.Any(c => c > at && c < at + Hour);

    /// <summary>The whole UTC hours in [first, sealedTo) that <paramref name="pieces"/> cover with four quarters, summed.</summary>
    private static IEnumerable<Piece> Hours(List<Piece> pieces, DateTimeOffset first, DateTimeOffset sealedTo)
    {
        for (var i = 0; i + 3 < pieces.Count; i++)
        {
            var p = pieces[i];
            if (p.Start < first || p.Start.UtcTicks % Hour.Ticks != 0 || p.End != p.Start + Quarter || p.Start + Hour > sealedTo)
            {
                continue;
            }
            if (pieces[i + 1].Start == p.End && pieces[i + 1].End == p.End + Quarter && pieces[i + 2].End == p.End + (2 * Quarter)
                && pieces[i + 3].End == p.Start + Hour && pieces[i + 2].Start == pieces[i + 1].End && pieces[i + 3].Start == pieces[i + 2].End)
            {
                var sum = new Tally();
                for (var j = 0; j < 4; j++)
                {
                    sum.Add(pieces[i + j].Tally);
                }
                yield return new Piece(p.Start, p.Start + Hour, sum);
            }
        }
    }

    /// <summary>The range's numbers and each bucket's, summed from the pieces (every bucket boundary is one of theirs).</summary>
    public static (Kpis Totals, IReadOnlyList<Kpis>? Buckets) Compute(
        IReadOnlyList<List<Piece>> pieces, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, IReadOnlyList<BucketRange>? buckets)
    {
        var totals = KpiCalculator.Finish(pieces.SelectMany(p => p.Select(x => x.Tally)), pieces.Count, from, to, now);
        if (buckets is null)
        {
            return (totals, null);
        }
        var starts = pieces.Select(p => p.Select(x => x.Start).ToArray()).ToList();
        IEnumerable<Tally> Inside(BucketRange b)
        {
            for (var m = 0; m < pieces.Count; m++)
            {
                var i = Array.BinarySearch(starts[m], b.From);
                for (i = i < 0 ? ~i : i; i < pieces[m].Count && pieces[m][i].End <= b.To; i++)
                {
                    yield return pieces[m][i].Tally;
                }
            }
        }
        return (totals, buckets.Select(b => KpiCalculator.Finish(Inside(b), pieces.Count, b.From, b.To, now) with { Shift = b.Shift }).ToList());
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % Quarter.Ticks), TimeSpan.Zero);

    private static DateTimeOffset Ceiling(DateTimeOffset t) => t.UtcTicks % Quarter.Ticks == 0 ? t.ToUniversalTime() : Floor(t) + Quarter;
}
