using System.Globalization;
using Mtc.Core;
using Mtc.Core.Model;
using Mtc.Core.Multipart;
using Mtc.Edge.Outbox;

namespace Mtc.Edge.Collectors;

internal sealed partial class AgentCollector
{
    private string SampleQuery(bool stream) => stream
        ? string.Create(CultureInfo.InvariantCulture,
            $"sample?from={_session.Next}&count={_count}&interval={(long)options.Interval.TotalMilliseconds}&heartbeat={(long)options.Heartbeat.TotalMilliseconds}")
        : string.Create(CultureInfo.InvariantCulture, $"sample?from={_session.Next}&count={_count}");

    /// <summary>How a streaming request ended.</summary>
    private enum StreamEnd
    {
        /// <summary>The agent ended the stream.</summary>
        Ended,

        /// <summary>Nothing new yet: an idle agent's OUT_OF_RANGE for its own <c>nextSequence</c>.</summary>
        Idle,

        /// <summary>A part left out sequences the agent still holds: catch up by polling.</summary>
        SkippedAhead,
    }

    /// <summary>One streaming request; returns when the agent ends the stream. Silence beyond 3× heartbeat throws.</summary>
    private async Task<StreamEnd> StreamAsync(CancellationToken ct)
    {
        using var response = await agent.OpenStreamAsync(SampleQuery(stream: true), ct).ConfigureAwait(false);
        var contentType = response.Content.Headers.ContentType?.ToString();
        var silence = options.Heartbeat * 3 + options.Interval;
        if (!MultipartBoundary.TryParse(contentType, out _))
        {
            // Not a stream (an error document such as OUT_OF_RANGE, an agent that ignores interval, or a multipart type
            // without a usable boundary): one document, read whole within the size limit and the silence limit.
            var bytes = await agent.ReadWholeAsync(response, silence, ct).ConfigureAwait(false);
            if (MtConnectDocumentReader.Sniff(bytes) == DocumentFormat.Unknown)
            {
                throw new NotStreamingException($"sample answered HTTP {(int)response.StatusCode} {contentType}");
            }
            var doc = MtConnectDocumentReader.Read(bytes, agent.Limits);
            var got = await HandleAsync(doc, streaming: false, ct).ConfigureAwait(false);
            if (doc is StreamsDocument)
            {
                throw new NotStreamingException($"sample answered a single {contentType} document");
            }
            return got == NothingNew ? StreamEnd.Idle : StreamEnd.Ended;
        }
        var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using var reader = new MultipartDocumentReader(body, contentType!, agent.Limits);
        while (true)
        {
            MultipartPart? part;
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                cts.CancelAfter(silence);
                try
                {
                    part = await reader.ReadNextAsync(cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new SilenceException($"no data for {silence.TotalSeconds:0.#} s (3× heartbeat)");
                }
            }
            if (part is null)
            {
                // The agent closed the stream; the next request says why (e.g. OUT_OF_RANGE).
                return StreamEnd.Ended;
            }
            var got = await HandleAsync(MtConnectDocumentReader.Read(part.Body, agent.Limits), streaming: true, ct).ConfigureAwait(false);
            if (got == SkippedAhead)
            {
                return StreamEnd.SkippedAhead;
            }
        }
    }

    /// <summary>Polls until a page comes back short (or nothing is new): what a stream left out, or a backlog.</summary>
    private async Task CatchUpAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var (doc, _) = await agent.GetAsync(SampleQuery(stream: false), ct).ConfigureAwait(false);
            if (await HandleAsync(doc, streaming: false, ct).ConfigureAwait(false) < _count)
            {
                return;
            }
        }
    }

    /// <summary>How long to wait before asking an agent that had nothing new again.</summary>
    private TimeSpan PollInterval => options.PollInterval;

    /// <summary>Polls: each backlog is followed page after page at once (<see cref="CatchUpAsync"/>), then every interval.</summary>
    private async Task PollAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await CatchUpAsync(ct).ConfigureAwait(false);
            await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>What <see cref="HandleAsync"/> returns when the agent had nothing new (not a failure).</summary>
    private const int NothingNew = -1;

    /// <summary>What <see cref="HandleAsync"/> returns for a stream part that left out sequences the agent holds (not stored).</summary>
    private const int SkippedAhead = -2;

    /// <summary>
    /// Stores one sample answer with the new cursor; returns the number of observations at or above the cursor (the page's
    /// size), <see cref="NothingNew"/> or <see cref="SkippedAhead"/>.
    /// </summary>
    private async Task<int> HandleAsync(MtConnectDocument doc, bool streaming, CancellationToken ct)
    {
        switch (doc)
        {
            case StreamsDocument streams:
                return Store(streams, streaming);
            case ErrorDocument error when error.Errors.FirstOrDefault(e => e.Code == AgentErrorCodes.OutOfRange)?.Parameter is
                { Name: not "from", Maximum: { } max } parameter:
                // e.g. count above the agent's buffer size: ask for less; nothing was lost.
                if (parameter.Name == "count" && max >= 1 && max < _count)
                {
                    _count = (int)max;
                    return 0;
                }
                throw new InvalidDataException($"the agent refused {parameter.Name}={parameter.Value}");
            case ErrorDocument error when error.Has(AgentErrorCodes.OutOfRange):
                return await ResyncAfterOverrunAsync(error, ct).ConfigureAwait(false) ? 0 : NothingNew;
            case ErrorDocument error:
                throw new InvalidDataException("the agent answered " + string.Join("; ", error.Errors.Select(e => $"{e.Code}: {e.Message}")));
            default:
                throw new InvalidDataException($"sample answered a {doc.Kind} document");
        }
    }

    private int Store(StreamsDocument streams, bool streaming)
    {
        var instance = streams.Header.InstanceId?.ToString(CultureInfo.InvariantCulture);
        if (instance != _session.AgentInstanceId)
        {
            throw new AgentRestartedException();
        }
        var entries = new List<OutboxEntry>();
        var page = SamplePage.Plan(_session.Next, streams);
        if (streaming && page.SkippedAhead)
        {
            return SkippedAhead;
        }
        var from = _session.Next;
        if (page.LostFrom is { } lostFrom && page.LostTo is { } lostTo)
        {
            // The agent's buffer moved past what we asked for before it answered: exactly these are lost.
            entries.Add(GapEntry(page.Lost, lostFrom, lostTo, _session.InstanceId, "fell behind the agent's buffer"));
            from = lostTo + 1;
        }
        if (page.Ignored > 0)
        {
            Log.Resent(log, Key, page.Ignored, _session.Next);
        }
        var n = AddObservations(streams, entries, from);
        if (n == 0 && entries.Count == 0)
        {
            // A heartbeat (a part with nothing new): the machines' clocks move on without an observation.
            var now = time.GetUtcNow();
            foreach (var machine in _analytics.MachineIds)
            {
                if (state.Activity(machine)?.LastData is { } last)
                {
                    _analytics.Tick(machine, now - last, entries);
                }
            }
        }
        if (entries.Count > 0 || page.Next != _session.Next)
        {
            outbox.Append(Key, new SourceCursor(_session.InstanceId, page.Next, Machines: _analytics.SaveChanges()), entries);
        }
        _session.Next = page.Next;
        _source.NextSequence = page.Next;
        Received(n, entries.Count(e => e.Kind == "gap"));
        return page.Returned;
    }

    /// <summary>
    /// OUT_OF_RANGE for <c>from</c>. Its oldest sequence is the error's <c>QueryParameter/Minimum</c> (2.6+) or the
    /// <c>firstSequence</c> of current:
    /// <list type="bullet">
    /// <item>above the cursor: the edge fell behind the agent's buffer; everything between the cursor and it is lost — a gap
    /// with that exact count — and collection continues from it, so nothing the agent still has is skipped;</item>
    /// <item>the cursor is the agent's <c>nextSequence</c>: nothing new yet (MTConnect.NET answers so when polled idle);</item>
    /// <item>the agent's <c>nextSequence</c> is below the cursor: its sequence reset without a new instanceId. What it served
    /// after the cursor is unknown (a gap); its new run is collected from its <c>firstSequence</c> under a new epoch of
    /// the instance (<see cref="WireInstance"/>), so no sequence of the old run is stored again.</item>
    /// </list>
    /// Returns false when there was nothing new.
    /// </summary>
    private async Task<bool> ResyncAfterOverrunAsync(ErrorDocument error, CancellationToken ct)
    {
        var (doc, _) = await agent.GetAsync("current", ct).ConfigureAwait(false);
        var current = doc as StreamsDocument ?? throw new InvalidDataException($"current answered a {doc.Kind} document");
        if (current.Header.InstanceId?.ToString(CultureInfo.InvariantCulture) != _session.AgentInstanceId)
        {
            throw new AgentRestartedException();
        }
        var next = current.Header.NextSequence ?? throw new InvalidDataException("current has no nextSequence");
        var minimum = error.Errors.Select(e => e.Parameter?.Minimum).FirstOrDefault(m => m is not null);
        var first = Math.Min(next, Math.Max(minimum ?? 0, current.Header.FirstSequence ?? 0));
        var entries = new List<OutboxEntry>();
        long resumeAt;
        if (next == _session.Next)
        {
            // A healthy idle agent: as good as a heartbeat for the source's status.
            _source.LastData = time.GetUtcNow();
            return false;
        }
        if (next < _session.Next)
        {
            entries.Add(GapEntry(null, _session.Next, null, _session.InstanceId,
                $"the agent's sequence went back from {_session.Next} to {next} without a new instanceId; what it served after sequence {_session.Next - 1} is unknown"));
            _session.InstanceId = WireInstance.NextEpoch(_session.InstanceId);
            resumeAt = StartOfNewInstance(current, entries);
            Log.SequenceReset(log, Key, _session.AgentInstanceId, _session.InstanceId);
        }
        else if (first > _session.Next)
        {
            entries.Add(GapEntry(first - _session.Next, _session.Next, first - 1, _session.InstanceId, "fell behind the agent's buffer (OUT_OF_RANGE)"));
            resumeAt = first;
        }
        else
        {
            throw new InvalidDataException($"the agent refused from={_session.Next} although it holds {first}..{next - 1}");
        }
        outbox.Append(Key, new SourceCursor(_session.InstanceId, resumeAt, Machines: _analytics.SaveChanges()), entries);
        _session.Next = resumeAt;
        _source.InstanceId = _session.InstanceId;
        _source.NextSequence = resumeAt;
        Received(0, entries.Count(e => e.Kind == "gap"));
        return true;
    }

    /// <summary>
    /// Adds the machines' observations at or above <paramref name="from"/>, each sequence once (a document that repeats one
    /// gets it stored once); the agent's own device is never a machine.
    /// </summary>
    private int AddObservations(StreamsDocument doc, List<OutboxEntry> entries, long from)
    {
        var n = 0;
        var seen = new HashSet<long>();
        foreach (var stream in doc.Streams)
        {
            var machine = MachineId(stream.Name, stream.Uuid);
            if (_session.IsAgentStream(stream.Name, _session.InProbe(machine)))
            {
                continue;
            }
            var taken = new List<Observation>();
            foreach (var o in stream.Observations)
            {
                if (o.Sequence < from || !seen.Add(o.Sequence))
                {
                    continue;
                }
                entries.Add(new OutboxEntry("observation", machine, o.Sequence, o.Category == DataItemCategory.Sample,
                    RecordPayloads.Observation(machine, _session.InstanceId, o, _session.TypeOf(machine, o.DataItemId))));
                taken.Add(o);
                n++;
            }
            state.MachineData(machine, Key, taken.Count);
            // A document groups observations by component; the analyzer needs them in stream (sequence) order.
            foreach (var o in taken.OrderBy(o => o.Sequence))
            {
                _analytics.Observe(machine, o, _session.InstanceId, entries);
            }
        }
        return n;
    }

    /// <summary>A gap of this agent: of its one machine, or of all its machines (<c>machines</c>) when it has several.</summary>
    private OutboxEntry GapEntry(long? missed, long? fromSequence, long? toSequence, string? instanceId, string reason)
    {
        Log.Gap(log, Key, missed, reason);
        var machines = _session.Machines;
        return new OutboxEntry("gap", null, null, false, RecordPayloads.Gap(machines.Count == 1 ? machines[0] : null, Key, missed,
            fromSequence, toSequence, reason, instanceId, machines));
    }

    private void Received(int observations, int gaps)
    {
        _analytics.Publish(state);
        _reconnect.Delivered();
        _source.Delivered(observations, gaps, time.GetUtcNow());
        metrics.Observations(Key, observations);
        metrics.Gaps(Key, gaps);
    }
}
