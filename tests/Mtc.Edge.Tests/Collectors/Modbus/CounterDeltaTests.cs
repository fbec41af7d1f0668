using Mtc.Edge.Collectors.Modbus;

namespace Mtc.Edge.Tests.Collectors.Modbus;

/// <summary>The rule that tells a wrap at 2³² from a reset, at its edges.</summary>
public sealed class CounterDeltaTests
{
    [Theory]
    [InlineData(100u, 100u, 0L, "None")]
    [InlineData(100u, 103u, 3L, "Increment")]
    [InlineData(4294967290u, 5u, 11L, "Wrap")]
    [InlineData(4294967295u, 0u, 1L, "Wrap")]
    [InlineData(4293918720u, 0u, 1048576L, "Wrap")] // exactly the most a wrap may account for
    [InlineData(4293918719u, 0u, 0L, "Reset")] // one more: a reset to 0
    [InlineData(5000u, 7u, 7L, "Reset")]
    [InlineData(3000000000u, 5u, 5L, "Reset")]
    public void A_drop_is_a_wrap_only_when_it_is_near_2_32(uint previous, uint current, long parts, string change)
    {
        var (counted, kind) = CounterDelta.Between(previous, current);
        Assert.Equal((parts, change), (counted, kind.ToString()));
    }
}
