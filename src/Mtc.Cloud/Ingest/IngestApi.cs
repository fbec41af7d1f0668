using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Hardening;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Observability;
using Mtc.Cloud.Storage;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Ingest;

/// <summary><c>POST /api/ext/data</c>: edge batches, applied exactly once.</summary>
internal static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ext/data", IngestAsync)
            .RequireAuthorization(Scopes.EdgeIngest)
            .WithName("Ingest")
            .WithTags("Edge")
            .WithSummary("Apply an edge batch exactly once")
            .WithDescription("Records with seq at or below the stream's high-water mark are skipped; the rest are stored and the mark moves to toSeq, in one transaction. Bodies may be gzip-compressed. " +
                "Free text (values, names, messages, documents, event and status data) is stored with each U+0000 replaced by U+FFFD; " +
                "an identifier with a control character refuses the batch with a 400 whose type names the field. " +
                "A time outside 1970-01-01T00:00:00Z..2200-01-01T00:00:00Z (exclusive) is a 400 time-out-of-range, an inconsistent gap a 400 invalid-gap, " +
                "each naming the field. An observation already stored (same machine, instanceId, sequence and timestamp) is skipped; " +
                "accepted counts the records stored, skipped the rest. previousHwm is the mark before the batch: an edge that finds it above " +
                "the highest seq it ever sent (its outbox was restored from a backup or copied) sends what it has again under a new streamId. " +
                "afterSeq (optional) is the last seq of the batch this one follows, for an edge with several batches in flight: until the mark reaches it " +
                "the batch is not applied; the cloud waits up to a second for it, then answers 409 predecessor-missing with Retry-After 0 (send it again " +
                "once the batch before it is acknowledged). 0 or none follows nothing: seqs between the mark and fromSeq are then ones the edge no longer has. " +
                "The answer repeats afterSeq when the batch had one.")
            .Accepts<IngestBatch>("application/json");
        return app;
    }

    internal static async Task<Results<Ok<IngestResult>, ProblemHttpResult>> IngestAsync(
        HttpRequest request, ICloudStore store, TimeProvider time, IOptions<CloudOptions> options, ILoggerFactory logs, CloudMetrics metrics,
        CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var result = "failed";
        try
        {
            var (response, outcome) = await ApplyAsync(request, store, time, options.Value, logs, metrics, ct).ConfigureAwait(false);
            result = outcome;
            return response;
        }
        finally
        {
            metrics.Batch(result, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The batch applied, and its result as the metrics name it: accepted, duplicate (nothing new) or rejected.</summary>
    private static async Task<(Results<Ok<IngestResult>, ProblemHttpResult>, string)> ApplyAsync(
        HttpRequest request, ICloudStore store, TimeProvider time, CloudOptions options, ILoggerFactory logs, CloudMetrics metrics, CancellationToken ct)
    {
        IngestPayload? batch;
        try
        {
            batch = await IngestBodyReader.ReadAsync(request.Body, ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return (Problems.InvalidJson(e), Rejected);
        }
        catch (NotSupportedException e)
        {
            return (Problems.Invalid(e.Message), Rejected);
        }
        if (batch is null)
        {
            return (Problems.Invalid("The body is JSON null; send an ingest batch."), Rejected);
        }
        using (batch)
        {
            var tenant = request.HttpContext.User.Tenant();
            if (Validate(batch, options.MaxRecordsPerBatch) is { } problem)
            {
                // The edge keeps a batch refused with a 400 in its quarantine and never sends it again: the edges read counts them
                // (for an edge the tenant has; one it does not have stays unknown).
                if (QueryParsing.IsValidId(batch.EdgeId))
                {
                    var p = problem.ProblemDetails;
                    await store.RecordRefusedBatchAsync(tenant, new RefusedBatch(batch.EdgeId, QueryParsing.IsValidId(batch.StreamId) ? batch.StreamId : null,
                        batch.FromSeq, batch.ToSeq, p.Status ?? StatusCodes.Status400BadRequest, p.Type, p.Detail), time.GetUtcNow(), ct).ConfigureAwait(false);
                }
                return (problem, Rejected);
            }
            var result = await metrics.TimeDatabaseAsync("ingest", () => store.IngestAsync(tenant, batch, time.GetUtcNow(), ct)).ConfigureAwait(false);
            // A batch that overtook the one it follows (sent on another connection, its body read first) waits a little for it:
            // the predecessor is usually a few milliseconds behind. Then it is refused, and the edge sends it again.
            var waited = Stopwatch.GetTimestamp();
            while (batch.AfterSeq is { } after && result.Hwm < after && Stopwatch.GetElapsedTime(waited) < PredecessorWait)
            {
                await Task.Delay(PredecessorPoll, time, ct).ConfigureAwait(false);
                result = await metrics.TimeDatabaseAsync("ingest", () => store.IngestAsync(tenant, batch, time.GetUtcNow(), ct)).ConfigureAwait(false);
            }
            if (batch.AfterSeq is { } missing && result.Hwm < missing)
            {
                request.HttpContext.Response.Headers.RetryAfter = "0";
                return (Problems.PredecessorMissing(missing, result.Hwm), PredecessorMissingOutcome);
            }
            Log.Ingested(logs.CreateLogger("Mtc.Cloud.Ingest"), batch.EdgeId, batch.StreamId, batch.FromSeq, batch.ToSeq,
                result.Accepted, result.Skipped, result.Hwm);
            // Accepted and skipped count records of every kind; observations are nearly all of them, and the counter
            // names them so that dashboards read in the unit operators think in.
            metrics.Observations("accepted", result.Accepted);
            metrics.Observations("skipped", result.Skipped);
            return (TypedResults.Ok(result), result.Accepted > 0 || result.Skipped == 0 ? "accepted" : "duplicate");
        }
    }

    private const string Rejected = "rejected";
    private const string PredecessorMissingOutcome = "predecessor_missing";

    /// <summary>How long a batch waits for the batch it follows before it is refused, and how often it looks.</summary>
    internal static readonly TimeSpan PredecessorWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PredecessorPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>The batch's own consistency: ids, a sequence range, records in strictly increasing order inside it.</summary>
    internal static ProblemHttpResult? Validate(IngestPayload batch, int maxRecords)
    {
        if (!QueryParsing.IsValidId(batch.EdgeId))
        {
            return Problems.BadId(batch.EdgeId, "invalid-edge-id", "edgeId", "edgeId must be 1-128 characters without control characters.");
        }
        if (!QueryParsing.IsValidId(batch.StreamId))
        {
            return Problems.BadId(batch.StreamId, "invalid-stream-id", "streamId", "streamId must be 1-128 characters without control characters.");
        }
        if (batch.FromSeq < 1 || batch.ToSeq < batch.FromSeq)
        {
            return Problems.Invalid($"fromSeq {batch.FromSeq} .. toSeq {batch.ToSeq} is not a range of positive sequence numbers.", Problems.Field("fromSeq"));
        }
        if (batch.AfterSeq is { } after && (after < 0 || after >= batch.FromSeq))
        {
            return Problems.Invalid($"afterSeq {after} is not before fromSeq {batch.FromSeq}: it is the last seq of the batch this one follows (0 or none: none).",
                Problems.Field("afterSeq"));
        }
        if (batch.Entries.Count > maxRecords)
        {
            return Problems.Invalid($"The batch has {batch.Entries.Count} records; at most {maxRecords} are allowed.", Problems.Field("records"));
        }
        long previous = 0;
        var row = 0;
        string? validMachine = null;
        for (var i = 0; i < batch.Entries.Count; i++)
        {
            var entry = batch.Entries[i];
            if (entry.IsNull)
            {
                return Problems.Invalid($"records[{i}] is null.", Problems.Field($"records[{i}]"));
            }
            var r = entry.Other >= 0 ? batch.Others[entry.Other] : null;
            var seq = entry.Seq;
            if (seq < batch.FromSeq || seq > batch.ToSeq)
            {
                return Problems.Invalid($"records[{i}].seq {seq} is outside fromSeq..toSeq ({batch.FromSeq}..{batch.ToSeq}).", Problems.Field($"records[{i}].seq"));
            }
            if (seq <= previous)
            {
                return Problems.Invalid($"records[{i}].seq {seq} does not follow {previous}: records must be in increasing seq order.",
                    Problems.Field($"records[{i}].seq"));
            }
            previous = seq;
            var machineId = r switch
            {
                null => batch.Observations.MachineOf(row++),
                DeviceModelRecord d => d.MachineId,
                DerivedEventRecord e => e.MachineId,
                GapRecord g => g.MachineId ?? "-",
                _ => "-",
            };
            // Observations of a batch share their machine id string: it is checked once.
            if (!ReferenceEquals(machineId, validMachine) && !QueryParsing.IsValidId(machineId))
            {
                return Problems.BadId(machineId, "invalid-machine-id", $"records[{i}].machineId", $"records[{i}].machineId must be 1-128 characters.");
            }
            if (r is null && row - 1 == batch.Observations.FirstRowWithBadDataItem)
            {
                return Problems.BadId(batch.Observations.DataItemOf(row - 1), "invalid-data-item-id", $"records[{i}].dataItemId",
                    $"records[{i}].dataItemId holds a control character.");
            }
            validMachine = r is null ? machineId : validMachine;
            if (RecordValueProblem(batch, r, row - 1, $"records[{i}]") is { } valueProblem)
            {
                return valueProblem;
            }
            if (r is DerivedEventRecord { Event: var ev } && (ev is null || string.IsNullOrEmpty(ev.Type) || string.IsNullOrEmpty(ev.Id)))
            {
                return Problems.Invalid($"records[{i}].event needs an id and a type.", Problems.Field($"records[{i}].event"));
            }
            if (r is DerivedEventRecord { Event: { } derived } && EventProblem(derived, $"records[{i}].event") is { } eventProblem)
            {
                return eventProblem;
            }
        }
        return null;
    }

    /// <summary>
    /// Values JSON allows that no store can hold sensibly: a time outside <see cref="AcceptedTimes"/>, a negative agent
    /// sequence, a gap whose counts cannot be true, a cycle duration past <see cref="MaxCycleSeconds"/>.
    /// </summary>
    private static ProblemHttpResult? RecordValueProblem(IngestPayload batch, WireRecord? r, int row, string at)
    {
        switch (r)
        {
            case null:
                var o = batch.Observations[row];
                if (!AcceptedTimes.Contains(o.Timestamp))
                {
                    return Problems.TimeOutOfRange(at + ".timestamp", o.Timestamp);
                }
                return o.Sequence < 0
                    ? Problems.Invalid($"{at}.sequence {o.Sequence} is negative: agent sequences start at 1.", Problems.Field(at + ".sequence"))
                    : null;
            case DerivedEventRecord { Event: { } e }:
                if (!AcceptedTimes.Contains(e.Start))
                {
                    return Problems.TimeOutOfRange(at + ".event.start", e.Start);
                }
                return e.End is { } end && !AcceptedTimes.Contains(end) ? Problems.TimeOutOfRange(at + ".event.end", end) : null;
            case EdgeStatusRecord status:
                return AcceptedTimes.Contains(status.Timestamp) ? null : Problems.TimeOutOfRange(at + ".timestamp", status.Timestamp);
            case GapRecord gap:
                return GapProblem(gap, at);
            default:
                return null;
        }
    }

    /// <summary>
    /// A gap's <c>missed</c> is a count (0 or more) and its sequence range, when both ends are given, runs forwards and
    /// holds at least that many sequences (the outbox's quota drops only some records of a range, so fewer is fine).
    /// </summary>
    private static ProblemHttpResult? GapProblem(GapRecord gap, string at)
    {
        if (gap.Missed is < 0)
        {
            return Problems.InvalidGap(at + ".missed", $"{gap.Missed} is negative; missed counts lost sequences (null when unknown).");
        }
        if (gap.FromSequence is < 0)
        {
            return Problems.InvalidGap(at + ".fromSequence", $"{gap.FromSequence} is negative; agent sequences start at 1.");
        }
        if (gap.ToSequence is < 0)
        {
            return Problems.InvalidGap(at + ".toSequence", $"{gap.ToSequence} is negative; agent sequences start at 1.");
        }
        if (gap is { FromSequence: { } from, ToSequence: { } to })
        {
            if (from > to)
            {
                return Problems.InvalidGap(at + ".fromSequence", $"{from} is after toSequence {to}; the range is inclusive and runs forwards.");
            }
            if (gap.Missed is { } missed && missed > to - from + 1)
            {
                return Problems.InvalidGap(at + ".missed",
                    $"{missed} is more than the {to - from + 1} sequences of fromSequence..toSequence ({from}..{to}).");
            }
        }
        return null;
    }

    /// <summary>The longest cycle duration stored (about 31 years): past it averages and sums could overflow.</summary>
    internal const double MaxCycleSeconds = 1e9;

    /// <summary>A derived event's id or type with a control character, or an ended cycle whose data is not cycle data.</summary>
    private static ProblemHttpResult? EventProblem(DerivedEvent e, string field)
    {
        if (QueryParsing.ControlCharacterAt(e.Id) >= 0)
        {
            return Problems.BadId(e.Id, "invalid-event-id", field + ".id", field + ".id holds a control character.");
        }
        if (QueryParsing.ControlCharacterAt(e.Type) >= 0)
        {
            return Problems.BadId(e.Type, "invalid-event-type", field + ".type", field + ".type holds a control character.");
        }
        return CycleDataProblem(e) is { } cycleProblem
            ? Problems.Invalid($"{field}.data is not cycle data: {cycleProblem.Why}",
                Problems.Field(cycleProblem.Field is null ? field + ".data" : $"{field}.data.{cycleProblem.Field}"))
            : null;
    }

    /// <summary>Why an ended cycle's data cannot be stored as a cycle (it is read when the cycle is stored) and the field at fault, or null.</summary>
    private static (string? Field, string Why)? CycleDataProblem(DerivedEvent e)
    {
        if (e.End is null || !string.Equals(e.Type, DerivedEventTypes.Cycle, StringComparison.Ordinal) || e.Data is not { ValueKind: JsonValueKind.Object } data)
        {
            return null;
        }
        try
        {
            var cycle = data.Deserialize(WireJsonContext.Default.CycleData)!;
            foreach (var (name, seconds) in new[] { ("durationSeconds", (double?)cycle.DurationSeconds), ("activeSeconds", cycle.ActiveSeconds), ("interruptedSeconds", cycle.InterruptedSeconds) })
            {
                if (seconds is { } x && !(x >= 0 && x <= MaxCycleSeconds))
                {
                    return (name, $"{name} {x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is outside 0..{MaxCycleSeconds:0} seconds.");
                }
            }
            return null;
        }
        catch (JsonException x)
        {
            return (null, x.Message);
        }
    }

}
