using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Xml;

/// <summary>Documents real agents send that break a rule of XML namespaces or of the MTConnect schema: read whole, the bent rule recorded.</summary>
public sealed partial class BentDocumentTests
{
    private const string UndeclaredX = "bent/Current-Mazak-1.5-SingleLine-undeclared-x.xml";
    private const string DeclaredX = "mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Mazak-1.5-SingleLine.xml";
    private const string Organizers = "bent/Devices-organizers-outside-Components.xml";
    private const string NistProbe = "nist-smstestbed/mtconnect/agent/Devices.xml";

    [GeneratedRegex("<[A-Za-z][^<>]*\\ssequence=\"")]
    private static partial Regex ObservationTag();

    [GeneratedRegex("<DataItem[\\s/>]")]
    private static partial Regex DataItemTag();

    public static TheoryData<string> Probes() => new(TestFiles.CorpusXml().Where(f => !TestFiles.BrokenUpstream.ContainsKey(f) && XDocument.Load(TestFiles.PathOf(f)).Descendants().Any(e => e.Name.LocalName == "DataItem")));

    [Fact]
    public void Undeclared_prefix_x_Motion_in_current_refused_the_whole_document()
    {
        string text = File.ReadAllText(TestFiles.PathOf(UndeclaredX));

        var document = MtConnectXml.ReadStreams(TestFiles.Bytes(UndeclaredX));

        var observations = document.Streams.SelectMany(s => s.Observations).ToList();
        Assert.Equal(ObservationTag().Count(text), observations.Count);
        Assert.Equal(9, text.Split("<x:").Length - 1);
        var motion = Assert.Single(observations, o => o.DataItemId == "move");
        Assert.Equal(("Motion", DataItemCategory.Event, 852L, "UNAVAILABLE"), (motion.ElementName, motion.Category, motion.Sequence, motion.Value));
        Assert.Equal(["SequenceNumber", "SequenceNumber", "ToolGroup", "ToolGroup", "ToolSuffix", "ToolSuffix", "Unit", "Unit"],
            observations.Where(o => o.DataItemId is "seq" or "seq2" or "tid1" or "tid5" or "tsuf1" or "tsuf6" or "unit" or "unit2").Select(o => o.ElementName).Order(StringComparer.Ordinal));

        var bent = Assert.Single(document.Bent);
        int at = text.IndexOf("<x:", StringComparison.Ordinal);
        int line = text[..at].Count(c => c == '\n') + 1;
        int column = at - text.LastIndexOf('\n', at) + 1;
        Assert.Equal((BentRule.UndeclaredPrefix, "x", line, column), (bent.Rule, bent.Subject, bent.Line, bent.Column));
        Assert.Contains("xmlns:x", bent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undeclared_prefix_reads_every_observation_the_declared_capture_has()
    {
        var declared = MtConnectXml.ReadStreams(TestFiles.Bytes(DeclaredX));
        var undeclared = MtConnectXml.ReadStreams(TestFiles.Bytes(UndeclaredX));

        static IEnumerable<string> Keys(StreamsDocument d) => d.Streams.SelectMany(s => s.Observations)
            .Select(o => $"{o.ElementName}|{o.DataItemId}|{o.Sequence}|{o.Timestamp:O}|{o.Value}|{o.Category}");
        Assert.Empty(declared.Bent);
        Assert.Equal(Keys(declared).Append("Motion|move|852|2022-10-21T06:51:52.2377090Z|UNAVAILABLE|Event").Order(StringComparer.Ordinal), Keys(undeclared).Order(StringComparer.Ordinal));
        Assert.Equal((declared.Version, declared.Header), (undeclared.Version, undeclared.Header));
    }

    [Fact]
    public void Declared_prefixes_keep_their_namespaces_next_to_an_undeclared_one()
    {
        const string xml = """
            <m:MTConnectStreams xmlns:m="urn:mtconnect.org:MTConnectStreams:1.4"><m:Streams><m:DeviceStream name="d">
            <m:ComponentStream component="Path"><m:Events>
            <m:Execution dataItemId="e" sequence="1" timestamp="2024-01-01T00:00:00Z">ACTIVE</m:Execution>
            <x:Motion dataItemId="m" sequence="2" timestamp="2024-01-01T00:00:00Z">FAST</x:Motion>
            <y:Load xmlns:y="urn:vendor" dataItemId="l" sequence="3" timestamp="2024-01-01T00:00:00Z">1</y:Load>
            </m:Events></m:ComponentStream></m:DeviceStream></m:Streams></m:MTConnectStreams>
            """;

        var document = MtConnectXml.ReadStreams(Encoding.UTF8.GetBytes(xml));

        Assert.Equal("1.4", document.Version);
        Assert.Equal(["Execution", "Motion", "Load"], document.Streams.Single().Observations.Select(o => o.ElementName));
        var bent = Assert.Single(document.Bent);
        Assert.Equal((BentRule.UndeclaredPrefix, "x", 4, 2), (bent.Rule, bent.Subject, bent.Line, bent.Column));
    }

    [Fact]
    public void An_undeclared_prefix_on_the_root_reads_as_no_namespace()
    {
        var document = MtConnectXml.ReadStreams("<m:MTConnectStreams><m:Streams/></m:MTConnectStreams>"u8.ToArray());

        Assert.Null(document.Version);
        Assert.Equal("m", Assert.Single(document.Bent).Subject);
    }

    [Theory]
    [InlineData("<!DOCTYPE x:MTConnectStreams [<!ENTITY e \"lol\">]>\n<x:MTConnectStreams>&e;</x:MTConnectStreams>", FormatErrorKind.Prohibited)]
    [InlineData("<x:MTConnectStreams>&e;</x:MTConnectStreams>", FormatErrorKind.Malformed)]
    public void An_undeclared_prefix_opens_no_door_to_DTDs_or_entities(string xml, FormatErrorKind kind)
    {
        var error = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(kind, error.Kind);
    }

    [Fact]
    public void Undeclared_prefixes_keep_the_depth_and_size_limits()
    {
        string deep = "<x:MTConnectStreams>" + string.Concat(Enumerable.Repeat("<x:a>", 200)) + string.Concat(Enumerable.Repeat("</x:a>", 200)) + "</x:MTConnectStreams>";
        var tooDeep = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(Encoding.UTF8.GetBytes(deep), new ParserLimits { MaxDepth = 64 }));
        Assert.Equal(FormatErrorKind.TooDeep, tooDeep.Kind);

        var tooLarge = Assert.Throws<MtConnectFormatException>(() => MtConnectXml.Read(TestFiles.Bytes(UndeclaredX), new ParserLimits { MaxDocumentBytes = 4096 }));
        Assert.Equal(FormatErrorKind.TooLarge, tooLarge.Kind);
    }

    [Fact]
    public void Many_undeclared_prefixes_are_listed_up_to_the_limit_and_every_element_is_read()
    {
        var events = string.Concat(Enumerable.Range(0, 100).Select(i =>
            $"<p{i}:E dataItemId=\"i{i}\" sequence=\"{i + 1}\" timestamp=\"2024-01-01T00:00:00Z\">v</p{i}:E>"));
        var xml = $"<MTConnectStreams><Streams><DeviceStream name=\"d\"><ComponentStream><Events>{events}</Events></ComponentStream></DeviceStream></Streams></MTConnectStreams>";

        var document = MtConnectXml.ReadStreams(Encoding.UTF8.GetBytes(xml));

        Assert.Equal(100, document.Streams.Single().Observations.Count);
        Assert.Equal(BentRule.MaxPerDocument, document.Bent.Count);
    }

    [Fact]
    public void Systems_directly_under_Device_dropped_its_data_items()
    {
        string text = File.ReadAllText(TestFiles.PathOf(Organizers));

        var document = MtConnectXml.ReadDevices(TestFiles.Bytes(Organizers));

        var items = document.Devices.SelectMany(d => d.AllDataItems()).ToList();
        Assert.Equal(DataItemTag().Count(text), items.Count);
        Assert.Equal(
            XDocument.Parse(text).Descendants().Where(e => e.Name.LocalName == "DataItem").Select(e => (string)e.Attribute("id")!).Order(StringComparer.Ordinal),
            items.Select(i => i.Id).Order(StringComparer.Ordinal));

        var mazak01 = document.Devices.Single(d => d.Name == "Mazak01");
        var systems = Assert.Single(mazak01.Components, c => c.ElementName == "Systems");
        Assert.Equal("Mazak01-systems", systems.Id);
        Assert.NotEmpty(systems.AllDataItems());
        Assert.Equal(["Axes", "Controller"], document.Devices.Single(d => d.Name == "Hurco01").Components.Select(c => c.ElementName));

        Assert.Equal(
            [(BentRule.ComponentOutsideComponents, "Axes"), (BentRule.ComponentOutsideComponents, "Controller"), (BentRule.ComponentOutsideComponents, "Systems")],
            document.Bent.Select(b => (b.Rule, b.Subject)).Order());
        var first = document.Bent.Single(b => b.Subject == "Systems");
        Assert.Equal(text.Split('\n').ToList().FindIndex(l => l.Contains("<Systems id=\"Mazak01-systems\"", StringComparison.Ordinal)) + 1, first.Line);
    }

    [Fact]
    public void Organizers_outside_Components_read_the_same_data_items_per_device_as_the_real_probe()
    {
        var real = MtConnectXml.ReadDevices(TestFiles.Bytes(NistProbe));
        var moved = MtConnectXml.ReadDevices(TestFiles.Bytes(Organizers));

        static IEnumerable<string> Keys(DevicesDocument d) => d.Devices.SelectMany(device => device.AllDataItems()
            .Select(i => $"{device.Name}|{i.Id}|{i.Type}|{i.ComponentId}|{i.ComponentType}")).Order(StringComparer.Ordinal);
        Assert.Empty(real.Bent);
        Assert.Equal(Keys(real), Keys(moved));
    }

    [Fact]
    public void A_DataItem_directly_under_a_component_is_read()
    {
        const string xml = """
            <Device id="d" name="d"><DataItem id="avail" type="AVAILABILITY" category="EVENT"/>
            <Systems id="s"><Electric id="e"><DataItems><DataItem id="t" type="TEMPERATURE" category="SAMPLE"/></DataItems></Electric></Systems>
            <x:Vendor><x:Note>not a component</x:Note></x:Vendor></Device>
            """;

        var document = MtConnectXml.ReadDevices(Encoding.UTF8.GetBytes(xml));

        var device = Assert.Single(document.Devices);
        Assert.Equal(["avail", "t"], device.AllDataItems().Select(i => i.Id));
        Assert.Equal(["Systems"], device.Components.Select(c => c.ElementName));
        Assert.Equal(
            [(BentRule.DataItemOutsideDataItems, "DataItem", 1), (BentRule.ComponentOutsideComponents, "Electric", 2), (BentRule.ComponentOutsideComponents, "Systems", 2), (BentRule.UndeclaredPrefix, "x", 3)],
            document.Bent.Select(b => (b.Rule, b.Subject, b.Line)));
    }

    [Theory]
    [MemberData(nameof(Probes))]
    public void Every_DataItem_element_of_a_real_probe_is_read(string file)
    {
        var elements = XDocument.Load(TestFiles.PathOf(file)).Descendants().Count(e => e.Name.LocalName == "DataItem");

        var document = MtConnectXml.Read(TestFiles.Bytes(file));

        var read = document is DevicesDocument devices ? devices.Devices.Sum(d => d.AllDataItems().Count()) : 0;
        Assert.Equal(elements, read);
    }
}
