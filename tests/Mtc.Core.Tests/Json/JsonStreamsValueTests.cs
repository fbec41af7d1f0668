using Mtc.Core.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Json;

public sealed class JsonStreamsValueTests
{
    private static StreamsDocument Fixture(string version) =>
        Assert.IsType<StreamsDocument>(MtConnectJson.Read(File.ReadAllBytes(JsonTestData.PathOf($"json/streams-{version}.json"))));

    private static Observation Single(StreamsDocument doc, string dataItemId, long sequence) =>
        doc.Streams.SelectMany(s => s.Observations).Single(o => o.DataItemId == dataItemId && o.Sequence == sequence);

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void Header_and_device_streams_are_read(string version)
    {
        var doc = Fixture(version);

        Assert.Equal(1709648000, doc.Header.InstanceId);
        Assert.Equal(131072, doc.Header.BufferSize);
        Assert.Equal(1, doc.Header.FirstSequence);
        Assert.Equal(2080, doc.Header.LastSequence);
        Assert.Equal(2081, doc.Header.NextSequence);
        Assert.Equal("mtc-cell-3", doc.Header.Sender);
        Assert.Equal("2.2.0.17", doc.Header.AgentVersion);
        Assert.Equal(new DateTime(2024, 3, 5, 14, 22, 10, DateTimeKind.Utc), doc.Header.CreationTime);
        Assert.Equal("2.2", doc.Version);
        Assert.Equal([("Mazak", "mazak-vtc-200"), ("Okuma", "okuma-lb3000")], doc.Streams.Select(s => (s.Name, s.Uuid)));
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void Samples_events_and_unavailable_values_are_read(string version)
    {
        var doc = Fixture(version);

        var x = Single(doc, "Xact", 2070);
        Assert.Equal(DataItemCategory.Sample, x.Category);
        Assert.Equal("Position", x.ElementName);
        Assert.Equal("102.5", x.Value);
        Assert.Equal("ACTUAL", x.SubType);
        Assert.Equal(("Linear", "x", "X"), (x.ComponentType, x.ComponentId, x.ComponentName));
        Assert.Equal(DateTimeKind.Utc, x.Timestamp.Kind);
        Assert.Equal(new DateTime(2024, 3, 5, 14, 21, 59, 1, DateTimeKind.Utc), x.Timestamp);
        Assert.True(Single(doc, "Xact", 2075).IsUnavailable);
        Assert.Equal("UNAVAILABLE", Single(doc, "d1_asset_chg", 3).Value);

        var exec = Single(doc, "exec", 2050);
        Assert.Equal((DataItemCategory.Event, "Execution", "execution", "ACTIVE"), (exec.Category, exec.ElementName, exec.Name, exec.Value));
        var parts = Single(doc, "pcount", 2060);
        Assert.Equal(("41", "SHIFT"), (parts.Value, parts.ResetTriggered));
        Assert.Equal("10 20 30.5", Single(doc, "ppos", 2065).Value);
        var message = Single(doc, "msg", 2069);
        Assert.Equal(("Check coolant | level", "M100"), (message.Value, message.NativeCode));
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void Conditions_take_their_level_from_the_key(string version)
    {
        var doc = Fixture(version);

        var fault = Single(doc, "motion", 2071);
        Assert.Equal(ConditionLevel.Fault, fault.Level);
        Assert.Equal("Fault", fault.ElementName);
        Assert.Equal(("MOTION_PROGRAM", "syn", "ack", "HIGH", "c-17", "Syntax error"),
            (fault.Type, fault.NativeCode, fault.NativeSeverity, fault.Qualifier, fault.ConditionId, fault.Value));
        Assert.Equal(ConditionLevel.Warning, Single(doc, "temp", 2072).Level);
        Assert.Equal(ConditionLevel.Normal, Single(doc, "Xtravel", 14).Level);
        var unavailable = Single(doc, "logic", 20);
        Assert.Equal(ConditionLevel.Unavailable, unavailable.Level);
        Assert.True(unavailable.IsUnavailable);
        Assert.Null(unavailable.Value);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void Time_series_data_sets_and_tables_are_read(string version)
    {
        var doc = Fixture(version);

        var series = Single(doc, "Xts", 2076);
        Assert.Equal(("1.5 2.5 3.5 4.5 5.25", 5, 100.0), (series.Value, series.SampleCount, series.SampleRate));

        var set = Single(doc, "vars", 2066);
        Assert.Equal(3, set.Count);
        Assert.Null(set.Value);
        Assert.Equal([new DataSetEntry("a", "1"), new DataSetEntry("b", "cow"), new DataSetEntry("c", null, Removed: true)], set.Entries!);
        var reset = Single(doc, "vars", 2067);
        Assert.Equal(("MANUAL", 0), (reset.ResetTriggered, reset.Count));
        Assert.Empty(reset.Entries!);

        var table = Single(doc, "wpo", 2068);
        Assert.Equal(2, table.Entries!.Count);
        Assert.Equal("G54", table.Entries[0].Key);
        Assert.Equal([new TableCell("X", "1.5"), new TableCell("Y", "2"), new TableCell("Z", "3")], table.Entries[0].Cells!);
        Assert.True(table.Entries[1].Removed);
        Assert.Equal("G55", table.Entries[1].Key);
    }
}
