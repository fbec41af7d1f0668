using System.Text.Json;
using Mtc.Core.Wire;

namespace Mtc.Core.Tests.Wire;

public sealed class WireRoundTripTests
{
    [Fact]
    public void An_open_derived_event_without_end_survives_the_round_trip()
    {
        var start = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
        var batch = new IngestBatch("plant-1", "s1", 7, 7,
        [
            new DerivedEventRecord { Seq = 7, MachineId = "m1", Event = new DerivedEvent("m1:1:42:setup", "setup", start) },
        ]);

        var json = JsonSerializer.Serialize(batch, WireJsonContext.Default.IngestBatch);
        Assert.DoesNotContain("\"end\"", json, StringComparison.Ordinal);

        var back = JsonSerializer.Deserialize(json, WireJsonContext.Default.IngestBatch)!;
        var record = Assert.IsType<DerivedEventRecord>(Assert.Single(back.Records));
        Assert.Equal("m1:1:42:setup", record.Event.Id);
        Assert.Null(record.Event.End);
        Assert.Equal(start, record.Event.Start);
    }
}
