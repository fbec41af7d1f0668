using Mtc.Core.Model;
using Mtc.Simulator.Sources.Generator;

namespace Mtc.Simulator.Tests;

public sealed class GeneratorTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 6, 0, 0, DateTimeKind.Utc);

    private static List<string> Run(int machines, int seed, TimeSpan duration, TimeSpan step)
    {
        var fleet = new GeneratedFleet(machines, seed, Start);
        var lines = new List<string>();
        for (var t = Start + step; t <= Start + duration; t += step)
        {
            foreach (var v in fleet.Advance(t))
            {
                lines.Add($"{v.Time:O}|{v.Value.Item.Id}|{v.Value.Value}|{v.Value.Level}|{v.Value.NativeCode}");
            }
        }

        return lines;
    }

    [Fact]
    public void Same_seed_gives_the_same_machines_and_data_whatever_the_tick()
    {
        // Advanced in 100 ms ticks or in 7 s ticks, the fleet reports the same values in the same order.
        var fine = Run(4, seed: 42, TimeSpan.FromHours(2), TimeSpan.FromMilliseconds(100));
        var coarse = Run(4, seed: 42, TimeSpan.FromHours(2), TimeSpan.FromSeconds(7));
        Assert.True(fine.Count > 1000, $"only {fine.Count} values in 2 h");
        Assert.Equal(fine.Take(coarse.Count), coarse);

        var devicesA = new GeneratedFleet(4, 42, Start).Devices.Select(d => d.Element.ToString());
        var devicesB = new GeneratedFleet(4, 42, Start).Devices.Select(d => d.Element.ToString());
        Assert.Equal(devicesA, devicesB);
    }

    [Fact]
    public void Another_seed_gives_other_data()
    {
        var a = Run(2, seed: 1, TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        var b = Run(2, seed: 2, TimeSpan.FromHours(1), TimeSpan.FromSeconds(1));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void A_day_of_a_fleet_has_cycles_with_spread_setups_feed_holds_alarms_that_clear_and_availability_drops()
    {
        var fleet = new GeneratedFleet(10, 7, Start);
        var values = new List<GeneratedValue>();
        for (var t = Start; t <= Start.AddDays(1); t = t.AddMinutes(1))
        {
            values.AddRange(fleet.Advance(t));
        }

        string Key(GeneratedValue v) => v.Value.Item.Name!;
        var cycleSeconds = new List<double>();
        var alarmsCleared = 0;
        foreach (var machine in values.GroupBy(v => v.Machine))
        {
            DateTime? active = null;
            var fault = false;
            long lastParts = 0;
            foreach (var v in machine)
            {
                switch (Key(v), v.Value.Value, v.Value.Level)
                {
                    case ("execution", "ACTIVE", _):
                        active ??= v.Time;
                        break;
                    case ("execution", "PROGRAM_COMPLETED", _):
                        cycleSeconds.Add((v.Time - active!.Value).TotalSeconds);
                        active = null;
                        break;
                    case ("execution", "INTERRUPTED", _):
                        active = null;
                        break;
                    case ("partcount", var parts, _):
                        var count = long.Parse(parts!);
                        Assert.True(count >= lastParts, "part count never goes back within a run");
                        lastParts = count;
                        break;
                    case ("system", _, ConditionLevel.Fault):
                        fault = true;
                        break;
                    case ("system", _, ConditionLevel.Normal) when fault:
                        alarmsCleared++;
                        fault = false;
                        break;
                }
            }

            Assert.True(lastParts > 0, $"machine {machine.Key} made no part in a day");
        }

        Assert.True(cycleSeconds.Count > 100, $"{cycleSeconds.Count} cycles");
        var mean = cycleSeconds.Average();
        var deviation = Math.Sqrt(cycleSeconds.Average(c => (c - mean) * (c - mean)));
        Assert.True(deviation > 10, $"cycle times should spread: mean {mean:0}s, deviation {deviation:0.0}s");
        Assert.True(alarmsCleared > 0, "no Fault was raised and cleared");
        Assert.Contains(values, v => Key(v) == "execution" && v.Value.Value == "FEED_HOLD");
        Assert.Contains(values, v => Key(v) == "fmode" && v.Value.Value == "SETUP");
        Assert.Contains(values, v => Key(v) == "avail" && v.Value.Value == "UNAVAILABLE");
        Assert.True(values.Where(v => Key(v) == "program").Select(v => v.Value.Value).Distinct().Count() > 10, "programs change");
    }
}
