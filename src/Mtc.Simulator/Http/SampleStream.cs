using Mtc.Simulator.Agent;
using Mtc.Simulator.Documents;
using Microsoft.AspNetCore.Http;

namespace Mtc.Simulator.Http;

/// <summary>
/// <c>sample?interval=</c>: sends every new page of observations at most every <c>interval</c>, and an empty
/// document when nothing changed for <c>heartbeat</c>. A reader that falls out of the buffer gets an
/// OUT_OF_RANGE part and the stream ends (or, with <see cref="Agent.Quirks.AgentQuirks.LaggingStreamJumpsToOldest"/>,
/// goes on from the oldest observation held).
/// </summary>
internal sealed class SampleStream(HttpContext http, SimAgent agent, DeviceModel? device, long from, int count, TimeSpan interval, TimeSpan heartbeat)
{
    public Task RunAsync()
    {
        var response = new MultipartResponse(http, agent);
        return response.RunAsync(token => LoopAsync(response, token));
    }

    private async Task LoopAsync(MultipartResponse response, CancellationToken cancellationToken)
    {
        var clock = agent.Clock;
        var next = from;
        var lastWrite = clock.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (agent.StallRemaining is { } stall && stall > TimeSpan.Zero)
            {
                await Task.Delay(stall, clock, cancellationToken).ConfigureAwait(false);
                lastWrite = clock.GetTimestamp();
                continue;
            }

            var changed = agent.Buffer.Changed;
            var page = agent.Buffer.Sample(next, count, device);
            if (page is null && agent.Quirks.LaggingStreamJumpsToOldest)
            {
                next = agent.Buffer.State.FirstSequence;
                continue;
            }

            if (page is null)
            {
                var state = agent.Buffer.State;
                var error = AgentRequestException.OutOfRange("from", next, state.FirstSequence, state.NextSequence);
                await response.WritePartAsync(ErrorWriter.Write(agent, error.Error, AgentApi.RequestUri(http)), cancellationToken).ConfigureAwait(false);
                return;
            }

            next = page.NextSequence;
            if (page.Observations.Count > 0)
            {
                await response.WritePartAsync(StreamsWriter.Write(agent, page.State, AgentApi.HeaderNextSequence(agent, page), page.Observations), cancellationToken).ConfigureAwait(false);
                lastWrite = clock.GetTimestamp();
                if (page.EndOfBuffer && interval > TimeSpan.Zero)
                {
                    await Task.Delay(interval, clock, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            var quiet = clock.GetElapsedTime(lastWrite);
            if (quiet >= heartbeat)
            {
                await response.WritePartAsync(StreamsWriter.Write(agent, page.State, agent.Quirks.NextSequenceIsBufferEnd ? page.State.NextSequence : next, []), cancellationToken).ConfigureAwait(false);
                lastWrite = clock.GetTimestamp();
                continue;
            }

            // Wait for new data or the heartbeat, whichever comes first.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(changed, Task.Delay(heartbeat - quiet, clock, wait.Token)).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }
    }
}

/// <summary><c>current?interval=</c>: a full current document every <c>interval</c>.</summary>
internal sealed class CurrentStream(HttpContext http, SimAgent agent, DeviceModel? device, TimeSpan interval)
{
    public Task RunAsync()
    {
        var response = new MultipartResponse(http, agent);
        return response.RunAsync(async token =>
        {
            while (!token.IsCancellationRequested)
            {
                if (agent.StallRemaining is { } stall && stall > TimeSpan.Zero)
                {
                    await Task.Delay(stall, agent.Clock, token).ConfigureAwait(false);
                    continue;
                }

                await response.WritePartAsync(AgentApi.CurrentDocument(agent, device, null), token).ConfigureAwait(false);
                await Task.Delay(interval > TimeSpan.Zero ? interval : TimeSpan.FromMilliseconds(1), agent.Clock, token).ConfigureAwait(false);
            }
        });
    }
}
