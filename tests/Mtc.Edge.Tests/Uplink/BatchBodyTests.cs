using System.IO.Compression;
using System.Text.Json;
using Mtc.Core.Model;
using Mtc.Core.Wire;
using Mtc.Edge.Outbox;
using Mtc.Edge.Uplink;

namespace Mtc.Edge.Tests.Uplink;

public sealed class BatchBodyTests
{
    [Fact]
    public void Batch_body_is_the_wire_contract_the_cloud_reads()
    {
        var ts = new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc);
        var obs = new Observation { Category = DataItemCategory.Condition, ElementName = "Fault", DataItemId = "c1", Sequence = 42, Timestamp = ts,
            Level = ConditionLevel.Fault, Type = "TEMPERATURE", NativeCode = "E1", Value = "too hot" };
        var sample = new Observation { Category = DataItemCategory.Sample, ElementName = "PathFeedrate", DataItemId = "f1", Sequence = 43, Timestamp = ts, Value = "12.5" };
        var records = new List<OutboxRecord>
        {
            new(7, "observation", RecordPayloads.Observation("M1", "99", obs)),
            new(8, "observation", RecordPayloads.Observation("M1", "99", sample)),
            new(9, "gap", RecordPayloads.Gap(null, "agent:x", 5, 10, 14, "fell behind")),
            new(10, "deviceModel", RecordPayloads.DeviceModel("M1", "u-1", "M1", "<MTConnectDevices/>")),
        };
        var gz = BatchBody.Gzip(BatchBody.Build("plant-1", "s1", records, afterSeq: 6));
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        var batch = JsonSerializer.Deserialize(input, WireJsonContext.Default.IngestBatch)!;

        Assert.Equal(("plant-1", "s1", 7L, 10L, 6L), (batch.EdgeId, batch.StreamId, batch.FromSeq, batch.ToSeq, batch.AfterSeq));
        Assert.Equal([7L, 8L, 9L, 10L], batch.Records.Select(r => r.Seq));
        var c = Assert.IsType<ObservationRecord>(batch.Records[0]);
        Assert.Equal(("M1", "99", 42L, "c1", "CONDITION", "TEMPERATURE", "FAULT", "E1", "too hot"),
            (c.MachineId, c.InstanceId, c.Sequence, c.DataItemId, c.Category, c.Type, c.Level, c.NativeCode, c.Value));
        Assert.Equal(new DateTimeOffset(ts), c.Timestamp);
        var s = Assert.IsType<ObservationRecord>(batch.Records[1]);
        Assert.Equal(("SAMPLE", "PATH_FEEDRATE", "12.5"), (s.Category, s.Type, s.Value));
        var g = Assert.IsType<GapRecord>(batch.Records[2]);
        Assert.Equal((5L, 10L, 14L, "agent:x"), (g.Missed!.Value, g.FromSequence!.Value, g.ToSequence!.Value, g.Source));
        var d = Assert.IsType<DeviceModelRecord>(batch.Records[3]);
        Assert.Equal(("M1", "u-1", "<MTConnectDevices/>"), (d.MachineId, d.Uuid, d.Document));
    }

    [Theory]
    [InlineData("Execution", "EXECUTION")]
    [InlineData("PathFeedrate", "PATH_FEEDRATE")]
    [InlineData("PartCount", "PART_COUNT")]
    public void Element_names_become_data_item_types(string element, string type) => Assert.Equal(type, RecordPayloads.TypeOf(element));
}
