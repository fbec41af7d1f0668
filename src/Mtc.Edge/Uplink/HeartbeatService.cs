using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;

namespace Mtc.Edge.Uplink;

/// <summary>
/// Every <see cref="CloudOptions.Heartbeat"/>, tells the cloud up to when the edge has seen each machine whose source is
/// connected, so that a machine that stays IDLE (or ACTIVE, or in an alarm) without a new observation keeps adding that time
/// in the cloud. Not through the outbox: it is no data, a lost heartbeat loses nothing and the next says the same.
/// </summary>
internal sealed class HeartbeatService(
    EdgeState state, OutboxStatsCache outbox, CloudClient cloud, IOptions<EdgeOptions> options, TimeProvider time, ILogger<HeartbeatService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.Cloud.Heartbeat <= TimeSpan.Zero || o.Cloud.Url.Length == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(o.Cloud.Heartbeat, time);
        var refusedBefore = false;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var beat = Build(o.Id, state, outbox.Get(), outbox.CountedAt, time.GetUtcNow());
            if (beat.Machines.Count == 0)
            {
                continue;
            }
            try
            {
                var answer = await cloud.PostHeartbeatAsync(beat, stoppingToken).ConfigureAwait(false);
                // Said once until it works again: a cloud without heartbeats (older) answers 404 to every one.
                if (!answer.IsSuccess && !refusedBefore)
                {
                    Log.HeartbeatRefused(log, (int)answer.Status, answer.Body);
                }
                refusedBefore = !answer.IsSuccess;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                Log.HeartbeatFailed(log, e.Message);
            }
        }
    }

    /// <summary>
    /// The machines whose source is connected, each seen up to its source's last valid data, but not past the oldest record
    /// still waiting in the outbox: the cloud has everything the edge saw of a machine up to the time it is told.
    /// </summary>
    internal static HeartbeatRequest Build(string edgeId, EdgeState state, OutboxStats stats, DateTimeOffset countedAt, DateTimeOffset now)
    {
        var delivered = stats.OldestCreated ?? countedAt;
        var sources = state.Sources.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var machines = new List<MachineConfirmation>();
        foreach (var machine in state.Machines)
        {
            if (state.Activity(machine.Id) is { } activity && sources.TryGetValue(activity.Source, out var source)
                && source.Reported(now).State == "connected" && source.LastData is { } last)
            {
                machines.Add(new MachineConfirmation(machine.Id, last < delivered ? last : delivered));
            }
        }
        return new HeartbeatRequest(edgeId, machines);
    }
}
