using System.Text.Json;
using Mtc.Core.Analytics;

namespace Mtc.Core.Tests.Analytics;

public sealed class WireShapeTests
{
    [Fact]
    public void Cycle_data_has_the_fields_of_the_wire_contract()
    {
        var run = new SyntheticMachine().At(0).Ready()
            .At(10).Set("exec", "ACTIVE").At(40).Set("exec", "FEED_HOLD").At(50).Set("exec", "ACTIVE")
            .At(70).Set("exec", "READY").At(71).Set("pc", "1")
            .Run();

        var cycle = Assert.Single(run.Cycles);
        var data = cycle.ToData();

        Assert.Equal(MachineEventType.Cycle, cycle.Type);
        Assert.Equal(60, data.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(50, data.GetProperty("activeSeconds").GetDouble());
        Assert.Equal(10, data.GetProperty("interruptedSeconds").GetDouble());
        Assert.Equal("O1000", data.GetProperty("program").GetString());
        Assert.Equal(1, data.GetProperty("parts").GetInt64());
        Assert.Equal("completed", data.GetProperty("completion").GetString());
        Assert.All(run.Events, e => Assert.Equal(JsonValueKind.Object, e.ToData().ValueKind));
        Assert.Contains(run.Events, e => e.Type == "part");
        Assert.Contains(run.Events, e => e.Type == "status");
    }
}
