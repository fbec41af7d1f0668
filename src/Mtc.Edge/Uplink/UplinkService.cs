using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;

namespace Mtc.Edge.Uplink;

/// <summary>
/// Ships the outbox to the cloud: oldest records first, deleting what the cloud's high-water mark acknowledges. With a
/// backlog, up to <see cref="CloudOptions.BatchesInFlight"/> batches are in flight, each built and sent while the ones
/// before it are, each naming the last seq of the batch it follows (<c>afterSeq</c>) so that the cloud stores them in order;
/// answers are handled in order, and after any answer other than an acknowledgement the rest are abandoned and sending
/// starts again from the first batch not acknowledged (the cloud skips what it already has). Timeouts, 408, 429, 5xx (and
/// 401/403) back off with jitter and retry the same records; a 409 predecessor-missing is sent again at once; any other 4xx
/// moves the batch to the quarantine table. Registers the machines first, and again whenever they change.
/// </summary>
internal sealed class UplinkService(
    OutboxStore outbox, CloudClient cloud, EdgeState state, EdgeMetrics metrics, IOptions<EdgeOptions> options,
    TimeProvider time, ILogger<UplinkService> log) : BackgroundService
{
    /// <summary>An idle uplink wakes when records are appended; this only bounds how late a changed machine list registers.</summary>
    private static readonly TimeSpan IdleWake = TimeSpan.FromSeconds(1);
    private readonly EdgeOptions _options = options.Value;
    private readonly Backoff _backoff = new(TimeSpan.FromSeconds(1), options.Value.Cloud.MaxBackoff);
    private int _registeredVersion = -1;
    private int _maxRecords = options.Value.Cloud.BatchMaxRecords;
    /// <summary>Batches sent and not answered yet, oldest first, and the last one sent.</summary>
    private readonly Queue<InFlightBatch> _inFlight = new();
    private PreparedBatch? _lastSent;
    /// <summary>Cancels the requests in flight when they are abandoned.</summary>
    private CancellationTokenSource? _sending;
    private long _deleteThrough;
    /// <summary>
    /// The cloud repeated a batch's afterSeq in its answer: it checks the order, so several batches may be in flight. A cloud
    /// that does not would store a batch that overtook the one before it first, and skip that one's records.
    /// </summary>
    private bool _cloudChecksOrder;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var up = state.Uplink;
        if (_options.Cloud.Url.Length == 0)
        {
            up.State = "offline: no cloud configured";
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await StepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // Network errors and timeouts: the records stay in the outbox and go again.
                await AbandonAsync().ConfigureAwait(false);
                up.LastError = e is TaskCanceledException ? "timeout" : e.Message;
                up.Retried();
                metrics.Batch("error", TimeSpan.Zero);
                wait = _backoff.Next();
                Log.UplinkRetry(log, up.LastError, wait);
            }
#pragma warning disable CA1031 // the loop must survive its own failures; the error is logged and retried
            catch (Exception e)
#pragma warning restore CA1031
            {
                await AbandonAsync().ConfigureAwait(false);
                up.LastError = e.Message;
                wait = _backoff.Next();
                Log.UplinkFailed(log, e);
            }
            if (wait > TimeSpan.Zero)
            {
                up.NextAttempt = time.GetUtcNow() + wait;
                if (_backoff.Failures > 0)
                {
                    up.State = "retrying";
                    up.FailingSince ??= time.GetUtcNow();
                }
                try
                {
                    await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await AbandonAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// One step: register if needed, send what may go, then handle the answer to the oldest batch in flight (or wait for
    /// records when none is). Returns how long to wait before the next step.
    /// </summary>
    private async Task<TimeSpan> StepAsync(CancellationToken ct)
    {
        var up = state.Uplink;
        var version = state.MachinesVersion;
        if (version != _registeredVersion && state.Machines.Count > 0)
        {
            var setup = new SetupRequest(_options.Id, _options.Id, [.. state.Machines]);
            var r = await cloud.PostSetupAsync(setup, ct).ConfigureAwait(false);
            if (r.IsSuccess)
            {
                _registeredVersion = version;
                up.SetupStatus = CloudClient.ReadField(r.Body, "status") ?? "ok";
                Log.Registered(log, setup.Machines.Count, up.SetupStatus);
            }
            else if (r.IsRetryable)
            {
                up.LastError = $"setup: HTTP {(int)r.Status}";
                return _backoff.Next(r.RetryAfter);
            }
            else
            {
                // A refused registration (e.g. 409: a machine belongs to another edge) is reported; data still flows.
                _registeredVersion = version;
                up.SetupStatus = $"refused: HTTP {(int)r.Status}: {r.Body}";
                Log.SetupRefused(log, (int)r.Status, r.Body);
            }
        }

        // Read before sending: an append after the read completes it, so an empty outbox is waited on without a gap.
        var appended = outbox.Appended;
        if (_inFlight.Count == 0)
        {
            // The next batch is read from the oldest record: what was acknowledged goes first.
            DeleteAcknowledged();
        }
        Fill(ct);
        // Otherwise what the last answer acknowledged is deleted while the next batches are in flight, not before they go.
        DeleteAcknowledged();
        if (_inFlight.Count == 0)
        {
            outbox.Unpin();
            up.State = "idle";
            // Whatever arrives while idle goes at once, in a small batch; under load, records gather while a batch is in flight.
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                // The fallback timer goes with the wait: appends every few ms must not leave a live timer each.
                await Task.WhenAny(appended, Task.Delay(IdleWake, time, wake.Token)).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false);
            }
            ct.ThrowIfCancellationRequested();
            return TimeSpan.Zero;
        }
        var head = _inFlight.Peek();
        var response = await head.Answer.ConfigureAwait(false); // a network error or timeout: the loop abandons the rest
        _inFlight.Dequeue();
        var (wait, acknowledged) = Handle(head, response);
        if (!acknowledged)
        {
            await AbandonAsync().ConfigureAwait(false);
        }
        return wait;
    }

    /// <summary>
    /// Sends batches until as many are in flight as allowed: the oldest records when none is, otherwise the records after the
    /// last one sent, only when at least half a batch waits (a backlog). An idle link keeps one small batch in flight: what
    /// arrives meanwhile goes with the next, whole. Each batch stays pinned (out of the quota's reach) until it is answered.
    /// </summary>
    private void Fill(CancellationToken ct)
    {
        var limit = _cloudChecksOrder ? _options.Cloud.BatchesInFlight : 1;
        while (_inFlight.Count < limit)
        {
            PreparedBatch? batch;
            if (_inFlight.Count == 0)
            {
                batch = Prepare(outbox.ReadBatch(_maxRecords, _options.Cloud.BatchMaxBytes, pin: true), afterSeq: 0);
            }
            else
            {
                var last = _lastSent!.To;
                if (outbox.LastSeq - last < Math.Max(1, _maxRecords / 2))
                {
                    return;
                }
                batch = Prepare(outbox.ReadBatch(_maxRecords, _options.Cloud.BatchMaxBytes, pin: true, afterSeq: last), afterSeq: last);
            }
            if (batch is null)
            {
                return;
            }
            Send(batch, ct);
        }
    }

    private PreparedBatch? Prepare(IReadOnlyList<OutboxRecord> records, long afterSeq)
    {
        if (records.Count == 0)
        {
            return null;
        }
        var body = BatchBody.Build(_options.Id, outbox.StreamId, records, afterSeq);
        return new PreparedBatch(records, body, BatchBody.Gzip(body));
    }

    private void Send(PreparedBatch batch, CancellationToken ct)
    {
        var up = state.Uplink;
        if (up.FailingSince is null)
        {
            up.State = "sending"; // while failing, the state stays "retrying" until a batch is accepted
        }
        _sending ??= CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Durable before the batch goes: the cloud then never holds a seq of this stream the outbox has not recorded as sent.
        var sentBefore = outbox.SentThrough;
        outbox.MarkSent(batch.To);
        var answer = cloud.PostBatchAsync(batch.Gzipped, _sending.Token);
        _inFlight.Enqueue(new InFlightBatch(batch, answer, sentBefore, Stopwatch.GetTimestamp()));
        _lastSent = batch;
    }

    /// <summary>
    /// Drops the batches still in flight (their requests cancelled, their answers ignored): sending starts again from the
    /// first record not acknowledged, and the cloud skips whatever of them it stored meanwhile.
    /// </summary>
    private async Task AbandonAsync()
    {
        if (_sending is { } sending)
        {
            await sending.CancelAsync().ConfigureAwait(false);
        }
        foreach (var batch in _inFlight)
        {
            await ((Task)batch.Answer).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _inFlight.Clear();
        _sending?.Dispose();
        _sending = null;
        _lastSent = null;
        DeleteAcknowledged();
        outbox.Unpin();
    }

    private void DeleteAcknowledged()
    {
        if (_deleteThrough > 0)
        {
            outbox.DeleteThrough(_deleteThrough);
            _deleteThrough = 0;
        }
    }

    /// <summary>Handles the answer to the oldest batch in flight: how long to wait before the next step, and whether it was acknowledged.</summary>
    private (TimeSpan Wait, bool Acknowledged) Handle(InFlightBatch sent, CloudResponse response)
    {
        var up = state.Uplink;
        var prepared = sent.Batch;
        var batch = prepared.Records;
        var elapsed = Stopwatch.GetElapsedTime(sent.Started);
        up.LastLatency = elapsed;
        var from = prepared.From;
        var to = prepared.To;
        if (response.IsSuccess && CloudClient.ReadLong(response.Body, "previousHwm") is { } held && held > sent.SentBefore)
        {
            // The cloud held seqs of this stream that this outbox never sent: it was restored from a backup or copied from
            // another edge, and reuses seqs the cloud already has. Nothing is deleted; everything still here goes again
            // under a new stream, where the cloud skips nothing (an observation or event it already has is stored once).
            var streamId = outbox.RotateStream();
            Log.StreamRotated(log, held, sent.SentBefore, streamId);
            metrics.Batch("stream_rotated", elapsed);
            up.LastError = $"the cloud held seq {held} of this stream but the outbox had sent only through {sent.SentBefore} " +
                $"(restored from a backup, or copied from another edge?); continuing as stream {streamId}";
            return (TimeSpan.Zero, false);
        }
        if (response.IsSuccess && CloudClient.ReadHwm(response.Body) is { } hwm && hwm >= to)
        {
            _cloudChecksOrder = CloudClient.ReadLong(response.Body, "afterSeq") is not null;
            _deleteThrough = Math.Max(_deleteThrough, hwm);
            up.Hwm = hwm;
            up.LastSuccess = time.GetUtcNow();
            up.LastError = null;
            up.Sent();
            up.State = "connected";
            metrics.Batch("accepted", elapsed);
            up.FailingSince = null;
            up.NextAttempt = null;
            _backoff.Reset();
            _maxRecords = Math.Min(_options.Cloud.BatchMaxRecords, _maxRecords * 2);
            return (TimeSpan.Zero, true);
        }
        if (response.IsPredecessorMissing)
        {
            // It overtook the batch before it, which was not acknowledged in time: everything from the first record not
            // acknowledged goes again at once. Not a failure of the link.
            metrics.Batch("predecessor_missing", elapsed);
            return (TimeSpan.Zero, false);
        }
        if (response.IsSuccess)
        {
            up.LastError = $"the cloud answered {(int)response.Status} without a high-water mark covering {from}..{to}: {response.Body}";
            up.Retried();
            metrics.Batch("retry", elapsed);
            return (_backoff.Next(), false);
        }
        if (response.Status == HttpStatusCode.RequestEntityTooLarge && batch.Count > 1)
        {
            _maxRecords = Math.Max(1, batch.Count / 2);
            metrics.Batch("too_large", elapsed);
            return (TimeSpan.Zero, false);
        }
        if (response.IsRetryable)
        {
            up.LastError = $"HTTP {(int)response.Status}";
            up.Retried();
            metrics.Batch("retry", elapsed);
            var wait = _backoff.Next(response.RetryAfter);
            Log.UplinkRetry(log, up.LastError, wait);
            return (wait, false);
        }
        outbox.Quarantine(from, to, batch.Count, (int)response.Status, response.Body, prepared.Body);
        up.Quarantined();
        up.LastError = $"batch {from}..{to} refused with HTTP {(int)response.Status}; quarantined";
        metrics.Batch("quarantined", elapsed);
        Log.Quarantined(log, from, to, (int)response.Status, response.Body);
        return (TimeSpan.Zero, false);
    }

    public override void Dispose()
    {
        _sending?.Dispose();
        base.Dispose();
    }
}

/// <summary>A batch ready to send: its records, its JSON body (kept for the quarantine) and the body gzipped.</summary>
internal sealed record PreparedBatch(IReadOnlyList<OutboxRecord> Records, byte[] Body, byte[] Gzipped)
{
    public long From => Records[0].Seq;

    public long To => Records[^1].Seq;
}

/// <summary>A batch sent: its answer to come, the highest seq sent before it, and when it went.</summary>
internal sealed record InFlightBatch(PreparedBatch Batch, Task<CloudResponse> Answer, long SentBefore, long Started);
