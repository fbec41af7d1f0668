using Mtc.Core.Shdr;

namespace Mtc.Core.Tests.Shdr;

public sealed class ShdrReaderTests
{
    private static List<ShdrParseResult> Read(string text, ParserLimits? limits = null)
    {
        var reader = new ShdrReader(new StringReader(text), limits: limits);
        var results = new List<ShdrParseResult>();
        while (reader.TryRead(out var r))
        {
            results.Add(r);
        }

        return results;
    }

    [Fact]
    public void Multiline_asset_body_is_the_lines_between_the_markers()
    {
        var results = Read("""
            2022-08-08T13:51:34Z|Xload|1
            2022-08-08T13:51:35Z|@ASSET@|T1|CuttingTool|--multiline--XYZ
            <CuttingTool assetId="T1">
              <Description>a|b</Description>
            </CuttingTool>
            --multiline--XYZ
            2022-08-08T13:51:36Z|Xload|2
            """);
        Assert.Equal(3, results.Count);
        var asset = Assert.IsType<ShdrAssetCommand>(results[1].Line);
        Assert.Equal(2, asset.LineNumber);
        Assert.Equal("<CuttingTool assetId=\"T1\">\n  <Description>a|b</Description>\n</CuttingTool>", asset.Body);
        Assert.Null(asset.MultilineTerminator);
        Assert.Equal(7, Assert.IsType<ShdrDataLine>(results[2].Line).LineNumber);
    }

    [Fact]
    public void Multiline_body_may_contain_other_multiline_markers()
    {
        var results = Read("2022-08-08T13:51:35Z|@ASSET@|T1|CuttingTool|--multiline--A\n--multiline--B\n--multiline--A\n");
        Assert.Equal("--multiline--B", Assert.IsType<ShdrAssetCommand>(results.Single().Line).Body);
    }

    [Fact]
    public void Unclosed_multiline_asset_is_a_truncated_error_at_its_header_line()
    {
        var reader = new ShdrReader(new StringReader("2022-08-08T13:51:34Z|Xload|1\n2022-08-08T13:51:35Z|@ASSET@|T1|CuttingTool|--multiline--XYZ\n<CuttingTool/>\n"));
        Assert.True(reader.TryRead(out _));
        Assert.True(reader.TryRead(out var result));
        Assert.Equal(FormatErrorKind.Truncated, result.Error!.Kind);
        Assert.Equal(2, result.Error.Line);
        Assert.Equal(1, reader.MalformedLines);
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void Malformed_lines_are_counted_and_reading_goes_on()
    {
        var reader = new ShdrReader(new StringReader("2022-08-08T13:51:34Z|Xload|1\nnot a timestamp|Xload|2\n\n2022-08-08T13:51:36Z|Xload\n2022-08-08T13:51:37Z|Xload|4\n"));
        var results = new List<ShdrParseResult>();
        while (reader.TryRead(out var r))
        {
            results.Add(r);
        }

        Assert.Equal(2, reader.MalformedLines);
        Assert.Equal([2, 4], results.Where(r => r.Error is not null).Select(r => r.Error!.Line));
        Assert.Equal([1, 5], results.Select(r => r.Line).OfType<ShdrDataLine>().Select(d => d.LineNumber));
        Assert.Throws<MtConnectFormatException>(() => new ShdrReader(new StringReader("x|y|z\n")).ReadAll().ToList());
    }

    [Fact]
    public void Over_long_lines_are_refused_with_their_line_number()
    {
        var limits = new ParserLimits { MaxShdrLineLength = 40 };
        var results = Read("2022-08-08T13:51:34Z|Xload|1\n2022-08-08T13:51:34Z|Xload|" + new string('9', 40) + "\n2022-08-08T13:51:34Z|Xload|3\n", limits);
        Assert.Equal(FormatErrorKind.TooLarge, results[1].Error!.Kind);
        Assert.Equal(2, results[1].Error!.Line);
        Assert.NotNull(results[2].Line);
    }

    [Fact]
    public void Device_command_sets_the_default_device_for_the_resolver()
    {
        var a = new Mtc.Core.Model.Device
        {
            ElementName = "Device", Name = "A", Uuid = "ua",
            DataItems = [new() { Id = "a1", Name = "alarm", Type = "SYSTEM", Category = Mtc.Core.Model.DataItemCategory.Condition }],
        };
        var b = new Mtc.Core.Model.Device
        {
            ElementName = "Device", Name = "B", Uuid = "ub",
            DataItems = [new() { Id = "b1", Name = "alarm", Type = "MESSAGE", Category = Mtc.Core.Model.DataItemCategory.Event }],
        };
        var reader = new ShdrReader(new StringReader("2022-08-08T13:51:34Z|alarm|fault|1|||x\n* device: B\n2022-08-08T13:51:34Z|alarm|M1|hello\n2022-08-08T13:51:34Z|A:alarm|normal||||\n"), new DeviceShdrKeyResolver(a, b));
        var lines = reader.ReadAll().ToList();
        Assert.IsType<ShdrCondition>(((ShdrDataLine)lines[0]).Entries.Single());
        Assert.Equal("B", reader.DefaultDevice);
        Assert.Equal(("M1", "hello"), ((ShdrDataLine)lines[2]).Entries.Single() is ShdrMessage m ? (m.NativeCode, m.Text) : default);
        Assert.IsType<ShdrCondition>(((ShdrDataLine)lines[3]).Entries.Single());

        var resolver = new DeviceShdrKeyResolver(a, b);
        Assert.True(resolver.TryGetDataItem("ub", "alarm", out var item));
        Assert.Equal("b1", item.Id);
        Assert.True(resolver.TryGetDataItem("", "a1", out item));
        Assert.Equal("a1", item.Id);
        Assert.False(resolver.TryGetDataItem("A", "nothing", out _));
    }

    [Fact]
    public void Device_resolver_kinds_follow_category_type_and_representation()
    {
        Mtc.Core.Model.DataItem Item(string type, Mtc.Core.Model.DataItemCategory category, string? representation = null) =>
            new() { Id = "x", Type = type, Category = category, Representation = representation };
        Assert.Equal(ShdrItemKind.Condition, DeviceShdrKeyResolver.KindOf(Item("SYSTEM", Mtc.Core.Model.DataItemCategory.Condition)));
        Assert.Equal(ShdrItemKind.Message, DeviceShdrKeyResolver.KindOf(Item("MESSAGE", Mtc.Core.Model.DataItemCategory.Event)));
        Assert.Equal(ShdrItemKind.TimeSeries, DeviceShdrKeyResolver.KindOf(Item("POSITION", Mtc.Core.Model.DataItemCategory.Sample, "TIME_SERIES")));
        Assert.Equal(ShdrItemKind.DataSet, DeviceShdrKeyResolver.KindOf(Item("VARIABLE", Mtc.Core.Model.DataItemCategory.Event, "DATA_SET")));
        Assert.Equal(ShdrItemKind.Table, DeviceShdrKeyResolver.KindOf(Item("WORK_OFFSET", Mtc.Core.Model.DataItemCategory.Event, "TABLE")));
        Assert.Equal(ShdrItemKind.Value, DeviceShdrKeyResolver.KindOf(Item("EXECUTION", Mtc.Core.Model.DataItemCategory.Event)));
    }
}
