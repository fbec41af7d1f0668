using System.Text;
using System.Xml.Linq;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Xml;

public sealed class StreamsReaderTests
{
    private const string Mazak20 = "mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Mazak-2.0.xml";
    private const string Mazak15 = "mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Mazak-1.5.xml";
    private const string Mazak15SingleLine = "mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Mazak-1.5-SingleLine.xml";
    private const string Ladder99Mazak = "ladder99/services/relay/examples/mazak/current.xml";

    [Fact]
    public void Mazak_2_0_current_has_its_header_and_the_Execution_of_path1()
    {
        var document = MtConnectXml.ReadStreams(TestFiles.Bytes(Mazak20));

        Assert.Equal("2.0", document.Version);
        Assert.Equal(1665746507, document.Header.InstanceId);
        Assert.Equal(131072, document.Header.BufferSize);
        Assert.Equal(2572470, document.Header.FirstSequence);
        Assert.Equal(2703541, document.Header.LastSequence);
        Assert.Equal(2703542, document.Header.NextSequence);
        Assert.Equal("2.0.0.11", document.Header.AgentVersion);
        Assert.Equal("DMZ-MTCNCT", document.Header.Sender);
        Assert.Equal(new DateTime(2022, 10, 22, 15, 38, 8, DateTimeKind.Utc), document.Header.CreationTime);

        Assert.Equal(["Agent", "HCN001"], document.Streams.Select(s => s.Name));
        Assert.Equal("5fd88408-7811-3c6b-5400-11f4026b6890", document.Streams[1].Uuid);

        var execution = Assert.Single(document.Streams.SelectMany(s => s.Observations), o => o.DataItemId == "execution");
        Assert.Equal("Execution", execution.ElementName);
        Assert.Equal(DataItemCategory.Event, execution.Category);
        Assert.Equal("ACTIVE", execution.Value);
        Assert.Equal(2673145, execution.Sequence);
        Assert.Equal(new DateTime(2022, 10, 22, 14, 56, 53, DateTimeKind.Utc).AddTicks(3_273_000), execution.Timestamp);
        Assert.Equal(DateTimeKind.Utc, execution.Timestamp.Kind);
        Assert.Equal(("Path", "path1", "path"), (execution.ComponentType, execution.ComponentId, execution.ComponentName));
    }

    [Fact]
    public void A_table_keeps_its_entries_and_cells()
    {
        var document = MtConnectXml.ReadStreams(TestFiles.Bytes(Mazak20));
        var table = Assert.Single(document.Streams.SelectMany(s => s.Observations), o => o.DataItemId == "maintcheck");

        Assert.Equal("MaintenanceListTable", table.ElementName);
        Assert.Equal(28, table.Count);
        Assert.NotNull(table.Entries);
        Assert.Equal(28, table.Entries.Count);
        var first = table.Entries[0];
        Assert.Equal("DAILY-1", first.Key);
        Assert.False(first.Removed);
        Assert.Equal(
            [("LAST_SERVICE_DATE", "2022-09-12T05:00:00.0000Z"), ("NAME", "Checking the slideway lubricant"), ("TARGET", "0"), ("VALUE", "3436567")],
            first.Cells!.Select(c => (c.Key, c.Value)));
    }

    [Fact]
    public void Conditions_keep_level_native_code_severity_type_and_text()
    {
        var document = MtConnectXml.ReadStreams(TestFiles.Bytes(Ladder99Mazak));
        var conditions = document.Streams.SelectMany(s => s.Observations).Where(o => o.DataItemId == "logic_cond").ToList();

        Assert.Equal(
            [ConditionLevel.Warning, ConditionLevel.Warning, ConditionLevel.Fault, ConditionLevel.Warning],
            conditions.Select(c => c.Level!.Value));
        var first = conditions[0];
        Assert.Equal("307", first.NativeCode);
        Assert.Equal("50", first.NativeSeverity);
        Assert.Equal("LOGIC_PROGRAM", first.Type);
        Assert.Equal("COVER COOLANT OFF --> ON", first.Value);
        Assert.Equal(1880101, first.Sequence);
        Assert.Equal(("Controller", "cont"), (first.ComponentType, first.ComponentId));
        Assert.Equal(DataItemCategory.Condition, first.Category);
        Assert.Equal("230", conditions[2].NativeCode);
        Assert.Equal("90", conditions[2].NativeSeverity);

        var normal = Assert.Single(document.Streams.SelectMany(s => s.Observations), o => o.DataItemId == "comms_cond");
        Assert.Equal(ConditionLevel.Normal, normal.Level);
        Assert.Null(normal.Value);
    }

    [Fact]
    public void A_data_set_keeps_its_entries()
    {
        var document = MtConnectXml.ReadStreams(TestFiles.Bytes(Ladder99Mazak));
        var dataSet = Assert.Single(document.Streams.SelectMany(s => s.Observations), o => o.DataItemId == "cvars");
        var expected = XDocument.Load(TestFiles.PathOf(Ladder99Mazak)).Descendants()
            .Single(e => (string?)e.Attribute("dataItemId") == "cvars")
            .Elements().Select(e => ((string)e.Attribute("key")!, e.Value)).ToList();

        Assert.Equal(259, dataSet.Count);
        Assert.Equal(expected, dataSet.Entries!.Select(e => (e.Key, e.Value ?? string.Empty)));
        Assert.Equal(("100", "54.1"), (dataSet.Entries![0].Key, dataSet.Entries[0].Value));
    }

    [Fact]
    public void The_1_3_namespace_gives_the_schema_version_and_the_header_the_1_5_agent()
    {
        var document = MtConnectXml.ReadStreams(TestFiles.Bytes(Mazak15));

        Assert.Equal("1.3", document.Version);
        Assert.Equal("1.5.0.14", document.Header.AgentVersion);
        Assert.Null(document.Header.SchemaVersion);
        var execution = Assert.Single(document.Streams.SelectMany(s => s.Observations), o => o.DataItemId == "exec");
        Assert.Equal(("READY", 850L, "execution"), (execution.Value, execution.Sequence, execution.Name));
    }

    [Fact]
    public void The_single_line_Mazak_document_equals_the_multi_line_one_plus_its_extension_elements()
    {
        var multi = MtConnectXml.ReadStreams(TestFiles.Bytes(Mazak15));
        var single = MtConnectXml.ReadStreams(TestFiles.Bytes(Mazak15SingleLine));

        // The single-line capture also has Mazak's extension elements (urn:mazakusa.com), which the other lacks.
        var extensionIds = XDocument.Load(TestFiles.PathOf(Mazak15SingleLine)).Descendants()
            .Where(e => e.Name.NamespaceName.StartsWith("urn:mazakusa.com", StringComparison.Ordinal) && e.Attribute("dataItemId") is not null)
            .Select(e => (string)e.Attribute("dataItemId")!).ToHashSet();
        Assert.Equal(8, extensionIds.Count);

        static string Describe(Observation o) =>
            $"{o.Category}|{o.ElementName}|{o.DataItemId}|{o.Name}|{o.Sequence}|{o.Timestamp:O}|{o.SubType}|{o.Value}|{o.Level}|{o.ComponentId}";
        Assert.Equal(multi.Header, single.Header);
        Assert.Equal(multi.Version, single.Version);
        Assert.Equal(
            multi.Streams.SelectMany(s => s.Observations).Select(Describe),
            single.Streams.SelectMany(s => s.Observations).Where(o => !extensionIds.Contains(o.DataItemId)).Select(Describe));

        var unit = Assert.Single(single.Streams.SelectMany(s => s.Observations), o => o.DataItemId == "unit");
        Assert.Equal(("Unit", "0", 851L), (unit.ElementName, unit.Value, unit.Sequence));
    }

    [Fact]
    public void Time_series_data_set_removal_reset_and_unavailable_are_read()
    {
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <MTConnectStreams xmlns="urn:mtconnect.org:MTConnectStreams:2.3">
              <Header creationTime="2024-01-01T00:00:00Z" instanceId="7" bufferSize="16" firstSequence="1" lastSequence="9" nextSequence="10" version="2.3.0.0"/>
              <Streams>
                <DeviceStream name="m1" uuid="u1">
                  <ComponentStream component="Path" componentId="p1">
                    <Samples>
                      <PositionTimeSeries dataItemId="xts" sequence="3" timestamp="2024-01-01T00:00:01.123456789" sampleCount="4" sampleRate="100.5" subType="ACTUAL">1 2.5 3 4</PositionTimeSeries>
                      <PartCount dataItemId="pc" sequence="4" timestamp="2024-01-01T00:00:02" resetTriggered="DAY">0</PartCount>
                    </Samples>
                    <Events>
                      <VariableDataSet dataItemId="vars" sequence="5" timestamp="2024-01-01T00:00:03Z" count="2" resetTriggered="MANUAL"><Entry key="a">1</Entry><Entry key="b" removed="true"/></VariableDataSet>
                      <Execution dataItemId="exec" sequence="6" timestamp="2024-01-01T00:00:04+01:00">UNAVAILABLE</Execution>
                    </Events>
                    <Condition>
                      <Unavailable dataItemId="cond" sequence="7" timestamp="2024-01-01T00:00:05Z" type="SYSTEM" qualifier="HIGH" conditionId="c-1"/>
                    </Condition>
                  </ComponentStream>
                </DeviceStream>
              </Streams>
            </MTConnectStreams>
            """;
        var observations = MtConnectXml.ReadStreams(Encoding.UTF8.GetBytes(xml)).Streams.Single().Observations;

        var series = observations[0];
        Assert.Equal((4, 100.5, "1 2.5 3 4", "ACTUAL"), (series.SampleCount!.Value, series.SampleRate!.Value, series.Value, series.SubType));
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 1, DateTimeKind.Utc).AddTicks(1_234_567), series.Timestamp);
        Assert.Equal("DAY", observations[1].ResetTriggered);
        var dataSet = observations[2];
        Assert.Equal((2, "MANUAL"), (dataSet.Count!.Value, dataSet.ResetTriggered));
        Assert.Equal([new DataSetEntry("a", "1"), new DataSetEntry("b", null, Removed: true)], dataSet.Entries!);
        Assert.True(observations[3].IsUnavailable);
        Assert.Equal(new DateTime(2023, 12, 31, 23, 0, 4, DateTimeKind.Utc), observations[3].Timestamp);
        var condition = observations[4];
        Assert.Equal((ConditionLevel.Unavailable, "SYSTEM", "HIGH", "c-1"), (condition.Level!.Value, condition.Type, condition.Qualifier, condition.ConditionId));
        Assert.True(condition.IsUnavailable);
        Assert.Equal(("Path", "p1", null), (condition.ComponentType, condition.ComponentId, condition.ComponentName));
        Assert.Equal(["xts", "pc", "vars", "exec", "cond"], observations.Select(o => o.DataItemId));
    }

    [Fact]
    public void Reading_from_a_stream_gives_the_same_document_as_from_bytes()
    {
        byte[] bytes = TestFiles.Bytes(Mazak20);
        using var stream = File.OpenRead(TestFiles.PathOf(Mazak20));

        var fromStream = MtConnectXml.ReadStreams(stream);
        var fromBytes = MtConnectXml.ReadStreams(bytes);

        Assert.Equal(fromBytes.Header, fromStream.Header);
        Assert.Equal(
            fromBytes.Streams.SelectMany(s => s.Observations).Select(o => (o.DataItemId, o.Sequence, o.Value)),
            fromStream.Streams.SelectMany(s => s.Observations).Select(o => (o.DataItemId, o.Sequence, o.Value)));
    }

    [Fact]
    public void A_devices_document_is_not_a_streams_document()
    {
        var error = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.ReadStreams(TestFiles.Bytes("cppagent/demo/agent/Devices.xml")));
        Assert.Equal(FormatErrorKind.NotMtConnect, error.Kind);
    }
}
