using Mtc.Core.Model;

namespace Mtc.Core.Tests;

public sealed class ObservationTests
{
    [Fact]
    public void Unavailable_is_a_value_for_events_and_a_level_for_conditions()
    {
        var evt = new Observation { Category = DataItemCategory.Event, ElementName = "Execution", DataItemId = "x", Value = "UNAVAILABLE" };
        var cond = new Observation { Category = DataItemCategory.Condition, ElementName = "Unavailable", DataItemId = "c", Level = ConditionLevel.Unavailable };
        var normal = new Observation { Category = DataItemCategory.Condition, ElementName = "Normal", DataItemId = "c", Level = ConditionLevel.Normal, Value = "UNAVAILABLE" };
        Assert.True(evt.IsUnavailable);
        Assert.True(cond.IsUnavailable);
        Assert.False(normal.IsUnavailable);
    }
}
