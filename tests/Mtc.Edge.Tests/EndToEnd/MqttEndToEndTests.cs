using System.Globalization;
using Mtc.Edge.Tests.Collectors.Mqtt;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// <c>mtc sim --mqtt</c> → a real mosquitto → <c>mtc edge</c> with an MQTT source → <c>mtc cloud</c>, all real processes, in
/// both of cppagent's topic layouts; mosquitto is killed mid-run and started again on the same port. What the simulator
/// published while the broker was down never reached anyone: the cloud has every other sequence the simulator served,
/// once, with its values, and gap records exactly around the outage.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class MqttEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Documents")]
    [InlineData("Entities")]
    public async Task A_broker_killed_and_restarted_loses_only_what_was_published_while_it_was_down_and_that_is_a_gap(string topics)
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var p = new Pipeline();
        await p.StartCloudAsync();
        await p.StartEdgeOnMqttAsync(broker.Port, topics);
        await WaitForStateAsync(p, "connected");
        await p.StartSimAsync("--generate", "2", "--seed", "8", "--speed", "100", "--mqtt", $"127.0.0.1:{broker.Port}", "--mqtt-topics", topics);

        // Live: from here on the simulator publishes every sequence as it serves it.
        await Pipeline.WaitUntilAsync(() => Task.FromResult(p.CloudObservations().Count >= 100), Long, p.Logs);
        var start = await p.SimLastSequenceAsync() + 1;
        await Task.Delay(2000);
        var beforeKill = await p.SimLastSequenceAsync();
        await WaitInCloudAsync(p, start, beforeKill);

        broker.Kill();
        await WaitForStateAsync(p, "reconnecting");
        await Task.Delay(2000); // the simulator serves on; what it publishes now goes nowhere
        await broker.RestartAsync();
        await WaitForStateAsync(p, "connected");
        // The simulator reconnects (it retries every second) and publishes again from what it serves then.
        await p.Sim!.WaitForAsync("Publishing to the MQTT broker", Long, skip: 1);
        await Task.Delay(1000);
        var afterOutage = await p.SimLastSequenceAsync();
        await Task.Delay(2000);
        var end = await p.SimLastSequenceAsync();
        await WaitInCloudAsync(p, afterOutage + 1, end);
        await Task.Delay(Edge.Collectors.Mqtt.MqttCollector.SettleTime + TimeSpan.FromSeconds(1)); // skipped sequences become gap records
        await p.WaitAcknowledgedAsync(Long);

        var (instance, served) = await p.SimSequencesAsync(start, end);
        var cloud = p.CloudObservations();
        Assert.All(cloud, kv => Assert.True(kv.Value == 1, $"sequence {kv.Key.Seq} stored {kv.Value} times"));
        var stored = cloud.Keys.Where(k => k.Seq >= start && k.Seq <= end).ToList();
        Assert.All(stored, k => Assert.Equal(instance, k.Instance));
        var storedSeqs = stored.Select(k => k.Seq).ToHashSet();
        Assert.Empty(storedSeqs.Except(served));
        var missing = served.Where(s => !storedSeqs.Contains(s)).ToList();
        // Lost: only what the simulator served from the kill until it published to the restarted broker, and some of that.
        Assert.NotEmpty(missing);
        Assert.All(missing, s => Assert.InRange(s, beforeKill + 1, afterOutage));
        Assert.True(served.Count - missing.Count > 200, $"only {served.Count - missing.Count} of {served.Count} sequences compared");

        // Every lost sequence lies in a gap record, and every gap after the start lies in the outage.
        var gaps = p.CloudGaps().Select(g => (From: g.GetProperty("fromSequence").GetInt64(), To: g.GetProperty("toSequence").GetInt64(),
            Missed: g.GetProperty("missed").GetInt64())).ToList();
        var live = gaps.Where(g => g.To >= start).ToList();
        Assert.NotEmpty(live);
        Assert.All(live, g => Assert.True(g.From > beforeKill && g.To <= afterOutage, $"gap {g} outside the outage ({beforeKill}, {afterOutage}]"));
        Assert.All(missing, s => Assert.Contains(live, g => g.From <= s && s <= g.To));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{topics}: {served.Count} sequences served in [{start}, {end}], {missing.Count} lost in the outage ({beforeKill}, {afterOutage}], {live.Count} gap records, {gaps.Count - live.Count} before the live data"));
        if (topics == "Documents")
        {
            // A document Current and Sample carry the sequences: no gap before the live data.
            Assert.Equal(live.Count, gaps.Count);
        }

        // The part counts the cloud has are the simulator's, sequence for sequence, but for those lost in the outage.
        var parts = (await p.SimObservationsAsync(start, end)).Where(o => o.Element == "PartCount")
            .Where(o => storedSeqs.Contains(o.Sequence)).Select(o => (o.Machine, o.Sequence, o.Value)).Order().ToList();
        var cloudParts = p.CloudObservationsOfType("PART_COUNT").Where(o => o.Sequence >= start && o.Sequence <= end)
            .Select(o => (o.Machine, o.Sequence, o.Value ?? "")).Order().ToList();
        Assert.NotEmpty(parts);
        Assert.Equal(parts, cloudParts);
    }

    private static async Task WaitForStateAsync(Pipeline p, string state) =>
        await Pipeline.WaitUntilAsync(async () => (await p.EdgeSourceAsync()).GetProperty("state").GetString() == state, Long,
            () => $"the MQTT source not {state}\n{p.Logs()}");

    /// <summary>Waits until the cloud holds every sequence the simulator served for its machines in <c>[from, to]</c>.</summary>
    private static async Task WaitInCloudAsync(Pipeline p, long from, long to)
    {
        var (_, served) = await p.SimSequencesAsync(from, to);
        await Pipeline.WaitUntilAsync(() =>
        {
            var cloud = p.CloudObservations().Keys.Select(k => k.Seq).ToHashSet();
            return Task.FromResult(served.All(cloud.Contains));
        }, Long, () => string.Create(CultureInfo.InvariantCulture,
            $"the cloud lacks {served.Count(s => !p.CloudObservations().Keys.Any(k => k.Seq == s))} of the {served.Count} sequences served in [{from}, {to}]\n{p.Logs()}"));
    }
}
