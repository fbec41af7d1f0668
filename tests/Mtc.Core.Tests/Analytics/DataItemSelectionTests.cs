using Mtc.Core.Analytics;
using Mtc.Core.Model;
using static Mtc.Core.Tests.Analytics.SyntheticMachine;

namespace Mtc.Core.Tests.Analytics;

public sealed class DataItemSelectionTests
{
    [Fact]
    public void Items_are_found_by_type_and_subtype_never_by_name()
    {
        var device = new Device
        {
            ElementName = "Device",
            Id = "d",
            Name = "D",
            Components =
            [
                new Component
                {
                    ElementName = "Path",
                    DataItems =
                    [
                        Item("execution", "PROGRAM"), // named like execution, but a program
                        Item("state", "EXECUTION"),
                        Item("rejects", "PART_COUNT", "BAD"),
                        Item("target", "PART_COUNT", "TARGET"),
                        Item("good", "PART_COUNT", "GOOD"),
                        Item("sub", "PROGRAM", "x:SUB"),
                        Item("comment", "x:PROGRAM_COMMENT"),
                    ],
                },
            ],
        };
        var run = new SyntheticMachine(device)
            .At(0).Set("execution", "P1").Set("state", "READY").Set("good", "0").Set("rejects", "0").Set("target", "50").Set("comment", "OP10")
            .At(10).Set("state", "ACTIVE").Set("sub", "SUB7")
            .At(20).Set("rejects", "3").Set("target", "60")
            .At(40).Set("state", "READY").Set("good", "1")
            .Run();

        var cycle = Assert.Single(run.Cycles);
        Assert.Equal(("P1", 1L, 30.0), (cycle.Program, cycle.Parts, cycle.DurationSeconds));
        Assert.Equal(1, run.Analyzer.Snapshot().TotalParts);
        Assert.Equal("OP10", run.Analyzer.Snapshot().ProgramComment);
        Assert.False(run.Analyzer.CounterOnly);
    }

    [Fact]
    public void Observations_without_a_timestamp_happen_at_the_clock()
    {
        var m = new SyntheticMachine().At(0).Ready().At(10).Set("exec", "ACTIVE");
        m.AtTime(default).Set("xpos", "1");
        var run = m.At(20).Set("exec", "READY").Run();

        Assert.Equal(20, run.Statuses.Sum(s => s.Seconds));
        Assert.Equal(10, Assert.Single(run.Cycles).DurationSeconds);
    }
}
