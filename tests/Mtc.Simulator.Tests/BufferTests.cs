using Mtc.Core.Model;
using Mtc.Simulator.Agent;
using Mtc.Simulator.Sources.Generator;

namespace Mtc.Simulator.Tests;

public sealed class BufferTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 6, 0, 0, DateTimeKind.Utc);

    private static (SimAgent Agent, Dictionary<string, SimDataItem> Items) Agent(int buffer)
    {
        var device = MachineModel.Build("m1", "M1", "uuid-1", MachineKind.Mill);
        var agent = new SimAgent(new DeviceCatalog([device]), new SchemaVersion(2, 5), buffer, TimeProvider.System);
        return (agent, device.DataItems.ToDictionary(i => i.Name!));
    }

    [Fact]
    public void Current_keeps_every_active_fault_by_native_code_until_it_clears()
    {
        var (agent, items) = Agent(1024);
        var system = items["system"];
        agent.Buffer.Add(SourceValue.Condition(system, T0, ConditionLevel.Fault, "1010", "overload"));
        agent.Buffer.Add(SourceValue.Condition(system, T0, ConditionLevel.Warning, "3021", "coolant low"));
        agent.Buffer.Add(SourceValue.Condition(system, T0, ConditionLevel.Fault, "1010", "overload again"));

        List<Observation> Active() => [.. agent.Buffer.Current(null, null)!.Value.Observations.Select(e => e.Observation).Where(o => o.DataItemId == system.Id)];
        Assert.Equal([("3021", ConditionLevel.Warning), ("1010", ConditionLevel.Fault)], Active().Select(o => (o.NativeCode!, o.Level!.Value)));
        Assert.Equal("overload again", Active().Single(o => o.NativeCode == "1010").Value);

        agent.Buffer.Add(SourceValue.Condition(system, T0, ConditionLevel.Normal, "1010"));
        Assert.Equal(["3021"], Active().Select(o => o.NativeCode));

        agent.Buffer.Add(SourceValue.Condition(system, T0, ConditionLevel.Fault, "4102"));
        agent.Buffer.Add(SourceValue.Condition(system, T0, ConditionLevel.Normal));
        Assert.Equal([ConditionLevel.Normal], Active().Select(o => o.Level!.Value));
    }

    [Fact]
    public void A_full_buffer_drops_the_oldest_and_current_at_still_knows_the_values_before_them()
    {
        var (agent, items) = Agent(16);
        var written = new List<(long Sequence, string Id, string Value)>();
        var initial = agent.Buffer.State.LastSequence;
        for (var i = 0; i < 100; i++)
        {
            var item = i % 3 == 0 ? items["partcount"] : items["program"];
            var value = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var sequence = agent.Buffer.Add(new SourceValue(item, T0.AddSeconds(i), value));
            written.Add((sequence, item.Id, value));
        }

        var state = agent.Buffer.State;
        Assert.Equal(16, state.NextSequence - state.FirstSequence);
        Assert.Equal(initial + 101, state.NextSequence);
        Assert.Null(agent.Buffer.Sample(state.FirstSequence - 1, 10, null));
        Assert.Equal(written.TakeLast(16).Select(w => w.Sequence), agent.Buffer.Sample(state.FirstSequence, 100, null)!.Observations.Select(o => o.Observation.Sequence));

        // At the first sequence still in the buffer, values come from what fell out before it.
        var at = state.FirstSequence;
        var expected = written.Where(w => w.Sequence <= at).GroupBy(w => w.Id).ToDictionary(g => g.Key, g => g.Last().Value);
        var current = agent.Buffer.Current(at, null)!.Value.Observations.Select(e => e.Observation).Where(o => expected.ContainsKey(o.DataItemId));
        Assert.Equal(expected.OrderBy(p => p.Key), current.ToDictionary(o => o.DataItemId, o => o.Value!).OrderBy(p => p.Key));
    }
}
