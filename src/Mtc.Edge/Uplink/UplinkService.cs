using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;

namespace Mtc.Edge.Uplink;

/// <summary>
/// Ships the outbox to the cloud: oldest records first, one batch in flight (the next read and gzipped meanwhile when there
/// is a backlog), deleting what the cloud's high-water mark acknowledges. Timeouts, 408, 429, 5xx (and 401/403) back off with jitter and retry the same records; any other 4xx
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
    private PreparedBatch? _next;
    private long _deleteThrough;

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
    }

    /// <summary>One step: register if needed, else send one batch. Returns how long to wait before the next step.</summary>
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

        // Read before the batch: an append after the read completes it, so an empty outbox is waited on without a gap.
        var appended = outbox.Appended;
        // The batch stays pinned (out of the quota's reach) from its reading until the cloud's answer is handled; a batch
        // read ahead stays pinned until it is sent.
        var batch = _next ?? Prepare(outbox.ReadBatch(_maxRecords, _options.Cloud.BatchMaxBytes, pin: true));
        _next = null;
        if (batch is null)
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
        try
        {
            return await SendAsync(batch, ct).ConfigureAwait(false);
        }
        finally
        {
            if (_next is null)
            {
                outbox.Unpin();
            }
        }
    }

    private PreparedBatch? Prepare(IReadOnlyList<OutboxRecord> records)
    {
        if (records.Count == 0)
        {
            return null;
        }
        var body = BatchBody.Build(_options.Id, outbox.StreamId, records);
        return new PreparedBatch(records, body, BatchBody.Gzip(body));
    }

    /// <summary>
    /// While a batch is in flight and at least half a batch more waits behind it (a backlog), the next one is read and
    /// gzipped meanwhile, so the cloud gets it as soon as it answers. It is only read ahead, never sent ahead: one batch is
    /// in flight, and the next is sent only after the cloud's high-water mark covers this one. An idle link reads nothing
    /// ahead: what arrives while a small batch is in flight goes with the next, whole.
    /// </summary>
    private Task<PreparedBatch?>? ReadAhead(PreparedBatch batch, long acknowledged, CancellationToken ct)
    {
        if (outbox.LastSeq - batch.To < Math.Max(1, _maxRecords / 2))
        {
            if (acknowledged > 0)
            {
                outbox.DeleteThrough(acknowledged);
            }
            return null;
        }
        return Task.Run(() =>
        {
            if (acknowledged > 0)
            {
                outbox.DeleteThrough(acknowledged);
            }
            return Prepare(outbox.ReadBatch(_maxRecords, _options.Cloud.BatchMaxBytes, pin: true, afterSeq: batch.To));
        }, ct);
    }

    /// <summary>Sends one batch and handles the cloud's answer. Returns how long to wait before the next step.</summary>
    private async Task<TimeSpan> SendAsync(PreparedBatch prepared, CancellationToken ct)
    {
        var up = state.Uplink;
        var batch = prepared.Records;
        var started = Stopwatch.GetTimestamp();
        if (up.FailingSince is null)
        {
            up.State = "sending"; // while failing, the state stays "retrying" until a batch is accepted
        }
        // What the previous answer acknowledged is deleted while this batch is in flight (with the read-ahead), not before it goes.
        var acknowledged = _deleteThrough;
        _deleteThrough = 0;
        var ahead = ReadAhead(prepared, acknowledged, ct);
        // Durable before the batch goes: the cloud then never holds a seq of this stream the outbox has not recorded as sent.
        var sentBefore = outbox.SentThrough;
        outbox.MarkSent(prepared.To);
        var post = cloud.PostBatchAsync(prepared.Gzipped, ct);
        CloudResponse response;
        try
        {
            response = await post.ConfigureAwait(false);
        }
        finally
        {
            // Never left running: the outbox is touched by one step at a time.
            if (ahead is not null)
            {
                await ((Task)ahead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        up.LastLatency = elapsed;
        var from = prepared.From;
        var to = prepared.To;
        if (response.IsSuccess && CloudClient.ReadLong(response.Body, "previousHwm") is { } held && held > sentBefore)
        {
            // The cloud held seqs of this stream that this outbox never sent: it was restored from a backup or copied from
            // another edge, and reuses seqs the cloud already has. Nothing is deleted; everything still here goes again
            // under a new stream, where the cloud skips nothing (an observation or event it already has is stored once).
            var streamId = outbox.RotateStream();
            _next = null;
            Log.StreamRotated(log, held, sentBefore, streamId);
            metrics.Batch("stream_rotated", elapsed);
            up.LastError = $"the cloud held seq {held} of this stream but the outbox had sent only through {sentBefore} " +
                $"(restored from a backup, or copied from another edge?); continuing as stream {streamId}";
            return TimeSpan.Zero;
        }
        if (response.IsSuccess && CloudClient.ReadHwm(response.Body) is { } hwm && hwm >= to)
        {
            // The batch read ahead goes next, unless the cloud already holds some of it (then it is read again). With one
            // going next at once, the acknowledged records are deleted while it is in flight; otherwise now.
            _next = ahead is { IsCompletedSuccessfully: true, Result: { } next } && next.From > hwm ? next : null;
            if (_next is null)
            {
                outbox.DeleteThrough(hwm);
            }
            else
            {
                _deleteThrough = hwm;
            }
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
            return TimeSpan.Zero;
        }
        if (response.IsSuccess)
        {
            up.LastError = $"the cloud answered {(int)response.Status} without a high-water mark covering {from}..{to}: {response.Body}";
            up.Retried();
            metrics.Batch("retry", elapsed);
            return _backoff.Next();
        }
        if (response.Status == HttpStatusCode.RequestEntityTooLarge && batch.Count > 1)
        {
            _maxRecords = Math.Max(1, batch.Count / 2);
            metrics.Batch("too_large", elapsed);
            return TimeSpan.Zero;
        }
        if (response.IsRetryable)
        {
            up.LastError = $"HTTP {(int)response.Status}";
            up.Retried();
            metrics.Batch("retry", elapsed);
            var wait = _backoff.Next(response.RetryAfter);
            Log.UplinkRetry(log, up.LastError, wait);
            return wait;
        }
        outbox.Quarantine(from, to, batch.Count, (int)response.Status, response.Body, prepared.Body);
        up.Quarantined();
        up.LastError = $"batch {from}..{to} refused with HTTP {(int)response.Status}; quarantined";
        metrics.Batch("quarantined", elapsed);
        Log.Quarantined(log, from, to, (int)response.Status, response.Body);
        return TimeSpan.Zero;
    }
}

/// <summary>A batch ready to send: its records, its JSON body (kept for the quarantine) and the body gzipped.</summary>
internal sealed record PreparedBatch(IReadOnlyList<OutboxRecord> Records, byte[] Body, byte[] Gzipped)
{
    public long From => Records[0].Seq;

    public long To => Records[^1].Seq;
}
