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

    /// <summary>One streaming request; returns when the agent ends the stream. Silence beyond 3× heartbeat throws.</summary>
    private async Task StreamAsync(CancellationToken ct)
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
            await HandleAsync(doc, ct).ConfigureAwait(false);
            if (doc is StreamsDocument)
            {
                throw new NotStreamingException($"sample answered a single {contentType} document");
            }
            return;
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
                return; // the agent closed the stream; the next request says why (e.g. OUT_OF_RANGE)
            }
            await HandleAsync(MtConnectDocumentReader.Read(part.Body, agent.Limits), ct).ConfigureAwait(false);
        }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        var interval = options.Interval < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : options.Interval;
        while (!ct.IsCancellationRequested)
        {
            var (doc, _) = await agent.GetAsync(SampleQuery(stream: false), ct).ConfigureAwait(false);
            var got = await HandleAsync(doc, ct).ConfigureAwait(false);
            if (got < _count)
            {
                await Task.Delay(interval, time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stores one sample answer with the new cursor; returns the number of observations.</summary>
    private async Task<int> HandleAsync(MtConnectDocument doc, CancellationToken ct)
    {
        switch (doc)
        {
            case StreamsDocument streams:
                return Store(streams);
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
                await ResyncAfterOverrunAsync(error, ct).ConfigureAwait(false);
                return 0;
            case ErrorDocument error:
                throw new InvalidDataException("the agent answered " + string.Join("; ", error.Errors.Select(e => $"{e.Code}: {e.Message}")));
            default:
                throw new InvalidDataException($"sample answered a {doc.Kind} document");
        }
    }

    private int Store(StreamsDocument streams)
    {
        var instance = streams.Header.InstanceId?.ToString(CultureInfo.InvariantCulture);
        if (instance != _session.InstanceId)
        {
            throw new AgentRestartedException();
        }
        var entries = new List<OutboxEntry>();
        var expected = _session.Next;
        if (streams.Header.FirstSequence is { } first && first > expected)
        {
            // The agent's buffer moved past what we asked for before it answered: exactly these are lost.
            entries.Add(GapEntry(first - expected, expected, first - 1, "fell behind the agent's buffer"));
            expected = first;
        }
        var n = AddObservations(streams, entries, expected);
        var next = streams.Header.NextSequence
            ?? (n > 0 ? streams.Streams.SelectMany(s => s.Observations).Max(o => o.Sequence) + 1 : _session.Next);
        if (entries.Count > 0 || next != _session.Next)
        {
            outbox.Append(Key, new SourceCursor(instance, next, _analytics.Save()), entries);
        }
        _session.Next = next;
        _source.NextSequence = next;
        Received(n, entries.Count(e => e.Kind == "gap"));
        return n;
    }

    /// <summary>
    /// OUT_OF_RANGE: the agent no longer has <c>from</c>. Its oldest sequence is the error's <c>QueryParameter/Minimum</c>
    /// (2.6+) or the <c>firstSequence</c> of current; everything between our cursor and it is lost — a gap with that exact
    /// count — and collection continues from it, so nothing the agent still has is skipped.
    /// </summary>
    private async Task ResyncAfterOverrunAsync(ErrorDocument error, CancellationToken ct)
    {
        var (doc, _) = await agent.GetAsync("current", ct).ConfigureAwait(false);
        var current = doc as StreamsDocument ?? throw new InvalidDataException($"current answered a {doc.Kind} document");
        if (current.Header.InstanceId?.ToString(CultureInfo.InvariantCulture) != _session.InstanceId)
        {
            throw new AgentRestartedException();
        }
        var minimum = error.Errors.Select(e => e.Parameter?.Minimum).FirstOrDefault(m => m is not null);
        var first = Math.Max(minimum ?? 0, current.Header.FirstSequence ?? 0);
        var next = current.Header.NextSequence ?? first;
        var entries = new List<OutboxEntry>();
        long resumeAt;
        if (first > _session.Next)
        {
            entries.Add(GapEntry(first - _session.Next, _session.Next, first - 1, "fell behind the agent's buffer (OUT_OF_RANGE)"));
            resumeAt = first;
        }
        else if (next < _session.Next)
        {
            // The agent's sequence went back without a new instanceId: what it served in between is unknown.
            entries.Add(GapEntry(null, _session.Next, null, $"the agent's next sequence went back from {_session.Next} to {next}"));
            resumeAt = next;
        }
        else
        {
            throw new InvalidDataException($"the agent refused from={_session.Next} although it holds {first}..{next - 1}");
        }
        outbox.Append(Key, new SourceCursor(_session.InstanceId, resumeAt, _analytics.Save()), entries);
        _session.Next = resumeAt;
        Received(0, 1);
    }

    private int AddObservations(StreamsDocument doc, List<OutboxEntry> entries, long from)
    {
        var n = 0;
        foreach (var stream in doc.Streams)
        {
            if (_session.AgentDevices.Contains(stream.Name))
            {
                continue;
            }
            var machine = MachineId(stream.Name, stream.Uuid);
            var taken = new List<Observation>();
            foreach (var o in stream.Observations)
            {
                if (o.Sequence < from)
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

    private OutboxEntry GapEntry(long? missed, long? fromSequence, long? toSequence, string reason)
    {
        Log.Gap(log, Key, missed, reason);
        return new OutboxEntry("gap", null, null, false, RecordPayloads.Gap(null, Key, missed, fromSequence, toSequence, reason));
    }

    private void Received(int observations, int gaps)
    {
        _analytics.Publish(state);
        _reconnect.Delivered();
        _source.LastError = null;
        if (observations > 0)
        {
            _source.AddObservations(observations);
            metrics.Observations(Key, observations);
        }
        for (var i = 0; i < gaps; i++)
        {
            _source.AddGap();
            metrics.Gap(Key);
        }
        _source.LastData = time.GetUtcNow();
    }
}
