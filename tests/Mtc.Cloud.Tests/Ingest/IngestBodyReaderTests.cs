using System.Text;
using System.Text.Json;
using Mtc.Cloud.Ingest;
using Mtc.Cloud.Tests.Infrastructure;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Tests.Ingest;

/// <summary>
/// The ingest body reader against the source-generated deserializer it stands in for: the same payload from every
/// body, the same exception for every bad one, and the fast pass really taken for the shape an edge writes.
/// </summary>
public sealed class IngestBodyReaderTests
{
    private static readonly DateTimeOffset T = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(1)).AddTicks(1234567);

    private static ObservationRecord Obs(long seq, string machine, string item, string? value, int ms) => new()
    {
        Seq = seq, MachineId = machine, DataItemId = item, Timestamp = T.AddMilliseconds(ms), Value = value,
        InstanceId = "1700000000", Sequence = 500 + seq, Name = "n-" + item, Category = "SAMPLE", Type = "POSITION", SubType = "ACTUAL",
    };

    /// <summary>What an edge sends: observations of two machines among the other kinds, texts with escapes and non-ASCII characters.</summary>
    private static IngestBatch EdgeBatch()
    {
        var records = new List<WireRecord>
        {
            Obs(1, "m1", "load", "Spindel überlast ⚠ \"hot\" \\ <5> & 'x'\n\ttab", 0) with
            {
                Category = "CONDITION", Type = "LOAD", Level = "FAULT", NativeCode = "E17", NativeSeverity = "3", Qualifier = "HIGH", ConditionId = "c1",
            },
            new DeviceModelRecord { Seq = 2, MachineId = "m1", Uuid = "u1", Name = "Lathe", Document = "<MTConnectDevices/>" },
            new ObservationRecord { Seq = 3, MachineId = "m2", DataItemId = "exec", Timestamp = T },
            Batches.Cycle(4, "m2", T, 61.5),
            new GapRecord { Seq = 5, MachineId = "m1", Source = "agent", Missed = 3, FromSequence = 10, ToSequence = 12, Reason = "OUT_OF_RANGE" },
            Obs(6, "m1", "temp°C", "21.5", 7),
            new EdgeStatusRecord { Seq = 7, Timestamp = T, Data = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["outboxDepth"] = 4 }) },
        };
        for (var seq = 8; seq <= 60; seq++)
        {
            records.Add(Obs(seq, "m1", "x" + (seq % 5), (seq * 0.125).ToString(System.Globalization.CultureInfo.InvariantCulture), seq * 50));
        }
        return new IngestBatch("plant-1", "s1", 1, 60, records);
    }

    private static IngestPayload? Generated(byte[] json) =>
        JsonSerializer.Deserialize(json, WireJsonContext.Default.IngestBatch) is { } batch ? IngestPayload.From(batch) : null;

    private static string Json(WireRecord record) => JsonSerializer.Serialize(record, WireJsonContext.Default.WireRecord);

    private static void AssertSame(IngestPayload expected, IngestPayload actual)
    {
        Assert.Equal((expected.EdgeId, expected.StreamId, expected.FromSeq, expected.ToSeq, expected.AfterSeq),
            (actual.EdgeId, actual.StreamId, actual.FromSeq, actual.ToSeq, actual.AfterSeq));
        Assert.Equal(expected.Entries, actual.Entries);
        Assert.Equal(expected.Others.Select(Json), actual.Others.Select(Json));
        Assert.Equal(expected.Observations.Count, actual.Observations.Count);
        for (var i = 0; i < expected.Observations.Count; i++)
        {
            Assert.Equal(expected.Observations[i], actual.Observations[i]);
            Assert.Equal(expected.Observations.Body(i).ToArray(), actual.Observations.Body(i).ToArray());
            Assert.Equal(expected.Observations.ToRecord(i), actual.Observations.ToRecord(i));
        }
    }

    [Fact]
    public void The_fast_pass_reads_an_edge_batch_to_the_payload_the_generated_reader_gives()
    {
        var batch = EdgeBatch();
        var json = JsonSerializer.SerializeToUtf8Bytes(batch, WireJsonContext.Default.IngestBatch);
        using var fast = new IngestPayload();
        Assert.True(IngestBodyReader.TryReadFast(json, fast));
        using var expected = Generated(json)!;
        AssertSame(expected, fast);

        // Independently of both readers: every observation as the edge made it, its time to the microsecond in UTC.
        var observations = batch.Records.OfType<ObservationRecord>().ToList();
        Assert.Equal(observations.Count, fast.Observations.Count);
        for (var i = 0; i < observations.Count; i++)
        {
            var t = observations[i].Timestamp.UtcTicks;
            Assert.Equal(observations[i] with { Timestamp = new DateTimeOffset(t - (t % 10), TimeSpan.Zero) }, fast.Observations.ToRecord(i));
        }
        Assert.Equal(["m1", "m2"], fast.Observations.MachinesAfter(0).Order(StringComparer.Ordinal));
        Assert.Equal(["m1"], fast.Observations.MachinesAfter(3));
        Assert.Equal([DateOnly.FromDateTime(T.UtcDateTime)], fast.Observations.Days);
    }

    [Theory]
    [InlineData(7L)]
    [InlineData(0L)]
    [InlineData(null)]
    public void The_seq_a_batch_follows_is_read_by_the_fast_pass_as_the_generated_reader_reads_it(long? afterSeq)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(EdgeBatch() with { AfterSeq = afterSeq }, WireJsonContext.Default.IngestBatch);
        using var fast = new IngestPayload();
        Assert.True(IngestBodyReader.TryReadFast(json, fast));
        using var expected = Generated(json)!;
        AssertSame(expected, fast);
        Assert.Equal(afterSeq, fast.AfterSeq);
    }

    [Fact]
    public void Other_forms_of_a_record_are_read_by_the_generated_path_within_the_fast_pass()
    {
        var json = Encoding.UTF8.GetBytes("""
            {"records":[
              {"seq":1,"kind":"observation","MachineId":"m1","dataItemId":"a","timestamp":"2026-11-27T08:00:00Z","value":"capitalized name"},
              {"seq":2,"kind":"observation","machineId":"m1","dataItemId":"b","timestamp":"2026-11-27T08:00:01Z","unit":"mm","value":"unknown property"},
              {"seq":"3","kind":"observation","machineId":"m1","dataItemId":"c","timestamp":"2026-11-27T08:00:02Z","sequence":"77"},
              {"seq":4,"kind":"observation","machine\u0049d":"m1","dataItemId":"d","timestamp":"2026-11-27T08:00:03Z"},
              {"timestamp":"2026-11-27T08:00:04+02:00","value":"kind last, \u00e9scaped \u0022text\u0022","dataItemId":"e","machineId":"m1","seq":5,"kind":"observation"},
              null
            ],"toSeq":6,"fromSeq":1,"streamId":"s1","edgeId":"plant-1"}
            """);
        using var fast = new IngestPayload();
        Assert.True(IngestBodyReader.TryReadFast(json, fast));
        using var expected = Generated(json)!;
        AssertSame(expected, fast);
        Assert.Equal(5, fast.Observations.Count);
        Assert.Equal(77, fast.Observations.ToRecord(2).Sequence);
        Assert.Equal("kind last, éscaped \"text\"", fast.Observations.ToRecord(4).Value);
        Assert.True(fast.Entries[5].IsNull);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("{\"edgeId\":\"e\",\n \"streamId\": s}")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1}")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[]} x")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[{\"seq\":1,\"kind\":\"teapot\"}]}")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[{\"seq\":1,\"machineId\":\"m\"}]}")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[{\"seq\":1,\"kind\":\"observation\",\"machineId\":null,\"dataItemId\":\"x\",\"timestamp\":\"2026-11-27T08:00:00Z\"}]}")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[{\"seq\":1,\"kind\":\"observation\",\"machineId\":\"m\",\"dataItemId\":\"x\",\"timestamp\":\"2026-11-27T08:00:00Z\",\"value\":5}]}")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[{\"seq\":1,\"kind\":\"observation\",\"machineId\":\"m\",\"dataItemId\":\"x\",\"timestamp\":\"yesterday\"}]}")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[{\"seq\":1,\"kind\":\"observation\",\"machineId\":\"m\",\"dataItemId\":\"x\"}]}")]
    [InlineData("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[{\"seq\":1.5,\"kind\":\"observation\",\"machineId\":\"m\",\"dataItemId\":\"x\",\"timestamp\":\"2026-11-27T08:00:00Z\"}]}")]
    public void A_bad_body_fails_as_the_generated_reader_fails(string text)
    {
        var json = Encoding.UTF8.GetBytes(text);
        var expected = Record.Exception(() => Generated(json));
        var actual = Record.Exception(() => IngestBodyReader.Read(json));
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        if (expected is JsonException e)
        {
            var a = (JsonException)actual;
            Assert.Equal((e.Path, e.LineNumber, e.BytePositionInLine), (a.Path, a.LineNumber, a.BytePositionInLine));
        }
    }

    [Fact]
    public void Invalid_utf8_in_a_value_fails_as_the_generated_reader_fails_and_null_is_null()
    {
        var json = Encoding.UTF8.GetBytes("{\"edgeId\":\"e\",\"streamId\":\"s\",\"fromSeq\":1,\"toSeq\":1,\"records\":[" +
            "{\"seq\":1,\"kind\":\"observation\",\"machineId\":\"m\",\"dataItemId\":\"x\",\"timestamp\":\"2026-11-27T08:00:00Z\",\"value\":\"ab?\"}]}");
        json[Array.LastIndexOf(json, (byte)'?')] = 0xFF;
        var expected = Record.Exception(() => Generated(json));
        var actual = Record.Exception(() => IngestBodyReader.Read(json));
        Assert.NotNull(expected);
        Assert.Equal(expected.GetType(), actual?.GetType());
        Assert.Equal(expected.Message, actual?.Message);

        Assert.Null(IngestBodyReader.Read("null"u8));
    }

    [Fact]
    public void The_latest_value_per_data_item_is_by_time_then_sequence_among_rows_after_the_hwm()
    {
        using var rows = new IngestPayload();
        // Record seq 2 is older than seq 1 (an agent's late sample); seq 3 ties seq 1's time with a larger sequence.
        rows.Add(Obs(1, "m1", "a", "one", 1000));
        rows.Add(Obs(2, "m1", "a", "two", 0));
        rows.Add(Obs(3, "m1", "b", "three", 1000) with { Sequence = 10 });
        rows.Add(Obs(4, "m1", "b", "four", 1000) with { Sequence = 9 });
        rows.Add(Obs(5, "m0", "z", "five", 0));
        var all = rows.Observations.LatestAfter(0);
        Assert.Equal([("m0", "z", "five"), ("m1", "a", "one"), ("m1", "b", "three")], all.Select(v => (v.MachineId, v.DataItemId, v.Value)));
        Assert.Equal(["five", "two", "three"], rows.Observations.LatestAfter(1).Select(v => v.Value));
        Assert.Equal("n-a", all[1].Name);
    }

    [Fact]
    public void An_escaped_nul_is_read_by_the_fast_pass_as_U_FFFD_in_texts_and_kept_in_ids_for_the_check()
    {
        // Values from the generated path and the fast pass agree: U+0000 in free text becomes U+FFFD in both.
        var record = Obs(1, "m1", "d\0", "a\0b\0", 0) with { Name = "\0name", NativeCode = "plain" };
        var json = Encoding.UTF8.GetBytes($$"""{"edgeId":"e","streamId":"s","fromSeq":1,"toSeq":2,"records":[{{Json(record)}},{{Json(Obs(2, "m1", "ok", "\0", 1))}}]}""");
        Assert.Contains("\\u0000", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        using var fast = new IngestPayload();
        Assert.True(IngestBodyReader.TryReadFast(json, fast));
        using var generated = Generated(json)!;
        foreach (var payload in (IngestPayload[])[fast, generated])
        {
            var first = payload.Observations.ToRecord(0);
            Assert.Equal("a\uFFFDb\uFFFD", first.Value);
            Assert.Equal("\uFFFDname", first.Name);
            Assert.Equal("plain", first.NativeCode);
            Assert.Equal("d\0", first.DataItemId);
            Assert.Equal(0, payload.Observations.FirstRowWithBadDataItem);
            Assert.Equal("\uFFFD", payload.Observations.ToRecord(1).Value);
        }
    }
}
