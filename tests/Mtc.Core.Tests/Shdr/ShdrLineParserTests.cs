using Mtc.Core.Model;
using Mtc.Core.Shdr;

namespace Mtc.Core.Tests.Shdr;

public sealed class ShdrLineParserTests
{
    private static readonly DateTime T0 = new(2022, 8, 8, 13, 51, 34, DateTimeKind.Utc);

    private static readonly KeyListShdrKeyResolver Keys = new(new Dictionary<string, ShdrItemKind>
    {
        ["cond"] = ShdrItemKind.Condition,
        ["msg"] = ShdrItemKind.Message,
        ["ts"] = ShdrItemKind.TimeSeries,
        ["ds"] = ShdrItemKind.DataSet,
        ["tbl"] = ShdrItemKind.Table,
    });

    private static ShdrDataLine Data(string line, IShdrKeyResolver? resolver = null) =>
        Assert.IsType<ShdrDataLine>(new ShdrLineParser(resolver ?? Keys).Parse(line, 1));

    private static ShdrParseError Error(string line, IShdrKeyResolver? resolver = null)
    {
        var result = new ShdrLineParser(resolver ?? Keys).TryParse(line, 7);
        Assert.Null(result.Line);
        return Assert.IsType<ShdrParseError>(result.Error);
    }

    [Fact]
    public void Several_key_value_pairs_on_one_line_are_read_in_order()
    {
        var line = Data("2022-08-08T13:51:34.0000000Z|avail|AVAILABLE|fmode|PRODUCTION|Xload|56");
        Assert.Equal(T0, line.Timestamp);
        Assert.Equal(DateTimeKind.Utc, line.Timestamp.Kind);
        Assert.Equal(["avail", "fmode", "Xload"], line.Entries.Select(e => e.Key));
        Assert.Equal(["AVAILABLE", "PRODUCTION", "56"], line.Entries.Cast<ShdrValue>().Select(v => v.Value));
    }

    [Theory]
    [InlineData("2022-08-08T13:51:34Z|ex\0ec|ACTIVE", 2, "U+0000")]
    [InlineData("2022-08-08T13:51:34Z|avail|AVAILABLE|\u001Bexec|ACTIVE", 4, "U+001B")]
    [InlineData("2022-08-08T13:51:34Z|d1:pa\u0085rt|3", 2, "U+0085")]
    public void A_key_with_a_control_character_is_a_malformed_line_at_that_character(string line, int field, string code)
    {
        var error = Error(line);
        Assert.Equal(FormatErrorKind.Malformed, error.Kind);
        Assert.Equal(7, error.Line);
        Assert.Equal(field, error.Field);
        // The column (1-based) is the control character's own, found here without the parser.
        var at = line.Select((c, i) => (c, i)).Skip(20).First(p => char.IsControl(p.c)).i;
        Assert.Equal(at + 1, error.Column);
        Assert.Contains(code, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(line[at], error.Message);
    }

    [Fact]
    public void Values_and_messages_keep_their_control_characters()
    {
        var line = Data("2022-08-08T13:51:34Z|exec|ACT\0IVE|msg|M1|te\u0007xt\0|cond|fault|E1||HIGH|hot\0");
        Assert.Equal("ACT\0IVE", Assert.IsType<ShdrValue>(line.Entries[0]).Value);
        Assert.Equal("te\u0007xt\0", Assert.IsType<ShdrMessage>(line.Entries[1]).Text);
        Assert.Equal("hot\0", Assert.IsType<ShdrCondition>(line.Entries[2]).Message);
    }

    [Fact]
    public void Empty_values_and_unavailable_are_values()
    {
        var line = Data("2022-08-08T13:51:44.2044533Z|p1CurrentTool||p1ToolAssetId|UNAVAILABLE");
        var values = line.Entries.Cast<ShdrValue>().ToList();
        Assert.Equal("", values[0].Value);
        Assert.False(values[0].IsUnavailable);
        Assert.True(values[1].IsUnavailable);
    }

    [Theory]
    [InlineData("normal", ConditionLevel.Normal)]
    [InlineData("Warning", ConditionLevel.Warning)]
    [InlineData("FAULT", ConditionLevel.Fault)]
    [InlineData("UnAvailable", ConditionLevel.Unavailable)]
    public void Condition_levels_are_read_in_any_case(string level, ConditionLevel expected)
    {
        var c = Assert.IsType<ShdrCondition>(Data($"2022-08-08T13:51:34Z|cond|{level}||||").Entries.Single());
        Assert.Equal(expected, c.Level);
        Assert.Null(c.NativeCode);
        Assert.Null(c.Message);
    }

    [Fact]
    public void Condition_fields_and_condition_id_are_read_and_a_value_may_follow()
    {
        var line = Data("2022-08-08T13:51:34Z|cond|FAULT|OVERTEMP:spindle-1|2|HIGH|Spindle too hot|Xload|5");
        var c = Assert.IsType<ShdrCondition>(line.Entries[0]);
        Assert.Equal(("OVERTEMP", "spindle-1", "2", "HIGH", "Spindle too hot"), (c.NativeCode, c.ConditionId, c.NativeSeverity, c.Qualifier, c.Message));
        Assert.Equal("5", Assert.IsType<ShdrValue>(line.Entries[1]).Value);
    }

    [Fact]
    public void A_condition_with_a_bad_level_is_an_error_at_its_field()
    {
        var e = Error("2022-08-08T13:51:34Z|cond|BROKEN|1|||x");
        Assert.Equal(FormatErrorKind.InvalidValue, e.Kind);
        Assert.Equal(7, e.Line);
        Assert.Equal(3, e.Field);
        Assert.Equal("2022-08-08T13:51:34Z|cond|".Length + 1, e.Column);
        Assert.Contains("BROKEN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_takes_native_code_and_text()
    {
        var line = Data("2022-08-08T13:51:34Z|msg|M101|Tool change needed|Xload|1");
        var m = Assert.IsType<ShdrMessage>(line.Entries[0]);
        Assert.Equal(("M101", "Tool change needed"), (m.NativeCode, m.Text));
        Assert.Equal(2, line.Entries.Count);
    }

    [Fact]
    public void Time_series_takes_count_rate_and_values()
    {
        var s = Assert.IsType<ShdrTimeSeries>(Data("2022-08-08T13:51:34Z|ts|5|100|1 2.5 -3 4e2 5").Entries.Single());
        Assert.Equal(5, s.SampleCount);
        Assert.Equal(100.0, s.SampleRate);
        Assert.Equal([1, 2.5, -3, 400, 5], s.Values);
        var noRate = Assert.IsType<ShdrTimeSeries>(Data("2022-08-08T13:51:34Z|ts|2||1 2").Entries.Single());
        Assert.Null(noRate.SampleRate);
    }

    [Fact]
    public void Time_series_with_a_bad_number_is_an_error()
    {
        var e = Error("2022-08-08T13:51:34Z|ts|3|10|1 x 3");
        Assert.Equal(5, e.Field);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_set_reads_pairs_quotes_and_removals()
    {
        var d = Assert.IsType<ShdrDataSet>(Data("2022-08-08T13:51:34Z|ds|a=1 b='two words' c=\"x \\\" y\" gone e= f={braced value}").Entries.Single());
        Assert.False(d.IsTable);
        Assert.Equal(
            [("a", "1", false), ("b", "two words", false), ("c", "x \" y", false), ("gone", null, true), ("e", null, true), ("f", "braced value", false)],
            d.Entries.Select(e => (e.Key, e.Value, e.Removed)));
    }

    [Fact]
    public void Data_set_reset_triggered_prefix_is_read()
    {
        var d = Assert.IsType<ShdrDataSet>(Data("2022-08-08T13:51:34Z|ds|:manual k=v").Entries.Single());
        Assert.Equal("MANUAL", d.ResetTriggered);
        Assert.Equal(("k", "v"), (d.Entries.Single().Key, d.Entries.Single().Value));
    }

    [Fact]
    public void Table_rows_hold_cells()
    {
        var t = Assert.IsType<ShdrDataSet>(Data("2022-08-08T13:51:34Z|tbl|r1={c1=1 c2='a b'} r2={c1=3} r3").Entries.Single());
        Assert.True(t.IsTable);
        Assert.Equal(ShdrItemKind.Table, t.Kind);
        Assert.Equal(["r1", "r2", "r3"], t.Entries.Select(e => e.Key));
        Assert.Equal([new TableCell("c1", "1"), new TableCell("c2", "a b")], t.Entries[0].Cells!);
        Assert.Equal([new TableCell("c1", "3")], t.Entries[1].Cells!);
        Assert.True(t.Entries[2].Removed);
    }

    [Fact]
    public void Unterminated_data_set_quote_is_an_error_with_its_column()
    {
        var e = Error("2022-08-08T13:51:34Z|ds|a=1 b='open");
        Assert.Equal(FormatErrorKind.InvalidValue, e.Kind);
        Assert.Equal(3, e.Field);
        Assert.True(e.Column > "2022-08-08T13:51:34Z|ds|".Length);
    }

    [Fact]
    public void Escaped_pipes_stay_in_values()
    {
        var line = Data(@"2022-08-08T13:51:34Z|program|O100\|O200|Xload|1");
        Assert.Equal(@"O100|O200", Assert.IsType<ShdrValue>(line.Entries[0]).Value);
        Assert.Equal("1", Assert.IsType<ShdrValue>(line.Entries[1]).Value);
        var path = Data(@"2022-08-08T13:51:34Z|program|C:\nc\part.nc");
        Assert.Equal(@"C:\nc\part.nc", Assert.IsType<ShdrValue>(path.Entries[0]).Value);
    }

    [Fact]
    public void Quoted_values_lose_their_quotes_and_take_backslash_escapes()
    {
        var line = Data(@"2022-08-08T13:51:34Z|block|""G01 X1 \| Y2 \"" ""  |Xload|1");
        Assert.Equal(@"G01 X1 | Y2 "" ", Assert.IsType<ShdrValue>(line.Entries[0]).Value);
        Assert.Equal(2, line.Entries.Count);

        // As in cppagent, an unescaped pipe ends a field even inside quotes; the quote then stays.
        var open = Data("2022-08-08T13:51:34Z|block|\"G01|Xload|1");
        Assert.Equal("\"G01", Assert.IsType<ShdrValue>(open.Entries[0]).Value);
    }

    [Fact]
    public void Timestamp_with_duration()
    {
        var line = Data("2022-08-08T13:51:34Z@12.5|Xload|1");
        Assert.Equal(T0, line.Timestamp);
        Assert.Equal(12.5, line.Duration);
        Assert.Equal(FormatErrorKind.InvalidValue, Error("2022-08-08T13:51:34Z@abc|Xload|1").Kind);
    }

    [Theory]
    [InlineData("2022-08-08T13:51:34", 0)]
    [InlineData("2022-08-08T13:51:34.1", 1_000_000)]
    [InlineData("2022-08-08T13:51:34.123", 1_230_000)]
    [InlineData("2022-08-08T13:51:34.123456", 1_234_560)]
    [InlineData("2022-08-08T13:51:34.1234567Z", 1_234_567)]
    [InlineData("2022-08-08T13:51:34.123456789Z", 1_234_567)]
    [InlineData("2022-08-08T15:51:34.5+02:00", 5_000_000)]
    public void Timestamps_without_z_are_utc_and_any_fraction_is_read(string stamp, long ticks)
    {
        var line = Data(stamp + "|Xload|1");
        Assert.Equal(T0.AddTicks(ticks), line.Timestamp);
        Assert.Equal(DateTimeKind.Utc, line.Timestamp.Kind);
    }

    [Theory]
    [InlineData("2022-13-08T13:51:34Z")]
    [InlineData("2022-02-30T13:51:34Z")]
    [InlineData("yesterday")]
    [InlineData("2022-08-08T13:51:34.Z")]
    [InlineData("2022-08-08T13:51:34Q")]
    public void Bad_timestamps_are_errors_at_field_one(string stamp)
    {
        var e = Error(stamp + "|Xload|1");
        Assert.Equal(FormatErrorKind.InvalidValue, e.Kind);
        Assert.Equal((1, 1), (e.Field, e.Column));
    }

    [Fact]
    public void Error_messages_quote_long_input_cut_short()
    {
        var e = Error(new string('9', 100_000) + "|Xload|1");
        Assert.InRange(e.Message.Length, 20, 120);
        Assert.Contains("...", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_timestamp_means_now_from_the_clock()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var line = Assert.IsType<ShdrDataLine>(new ShdrLineParser(Keys, clock).Parse("|Xload|1", 1));
        Assert.True(line.TimestampWasEmpty);
        Assert.Equal(clock.Now.UtcDateTime, line.Timestamp);
    }

    [Fact]
    public void Device_prefixed_keys_are_split()
    {
        var line = Data("2022-08-08T13:51:34Z|Mazak:Xload|1|cond|normal||||");
        Assert.Equal(("Mazak", "Xload"), (line.Entries[0].Device, line.Entries[0].Key));
        Assert.Null(line.Entries[1].Device);
    }

    [Fact]
    public void A_key_with_no_value_is_an_error_naming_the_key()
    {
        var e = Error("2022-08-08T13:51:34Z|a|1|b");
        Assert.Equal(FormatErrorKind.Malformed, e.Kind);
        Assert.Equal(4, e.Field);
        Assert.Equal("2022-08-08T13:51:34Z|a|1|".Length + 1, e.Column);
        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
        var ex = Assert.Throws<MtConnectFormatException>(() => new ShdrLineParser(Keys).Parse("2022-08-08T13:51:34Z|a|1|b", 7));
        Assert.Equal((7, e.Column), (ex.Line, ex.Column));
    }

    [Fact]
    public void A_trailing_pipe_after_the_last_value_is_ignored_but_an_empty_key_is_an_error()
    {
        Assert.Equal(["a", "b"], Data("2022-08-08T13:51:34Z|a|1|b|2|").Entries.Select(e => e.Key));
        var noKey = Error("2022-08-08T13:51:34Z|");
        Assert.Equal((FormatErrorKind.Malformed, 2), (noKey.Kind, noKey.Field));
        Assert.Equal(4, Error("2022-08-08T13:51:34Z|a|1||2").Field);
    }

    [Fact]
    public void Asset_single_line_keeps_the_body_as_sent()
    {
        var a = Assert.IsType<ShdrAssetCommand>(new ShdrLineParser().Parse("2022-08-08T13:51:34Z|@ASSET@|T1|CuttingTool|<CuttingTool assetId=\"T1\">a|b</CuttingTool>", 3));
        Assert.Equal((ShdrAssetAction.Add, "T1", "CuttingTool", "<CuttingTool assetId=\"T1\">a|b</CuttingTool>"), (a.Action, a.AssetId, a.AssetType, a.Body));
        Assert.Null(a.MultilineTerminator);
        Assert.Equal(3, a.LineNumber);
    }

    [Fact]
    public void Update_remove_and_remove_all_assets()
    {
        var p = new ShdrLineParser();
        var u = Assert.IsType<ShdrAssetCommand>(p.Parse("2022-08-08T13:51:34Z|@UPDATE_ASSET@|T1|ToolLife|120", 1));
        Assert.Equal((ShdrAssetAction.Update, "T1", "ToolLife|120"), (u.Action, u.AssetId, u.Body));
        var r = Assert.IsType<ShdrAssetCommand>(p.Parse("2022-08-08T13:51:34Z|@REMOVE_ASSET@|T1", 2));
        Assert.Equal((ShdrAssetAction.Remove, "T1"), (r.Action, r.AssetId));
        var all = Assert.IsType<ShdrAssetCommand>(p.Parse("2022-08-08T13:51:34Z|@REMOVE_ALL_ASSETS@|CuttingTool", 3));
        Assert.Equal((ShdrAssetAction.RemoveAll, "CuttingTool"), (all.Action, all.AssetType));
        Assert.Null(Assert.IsType<ShdrAssetCommand>(p.Parse("2022-08-08T13:51:34Z|@REMOVE_ALL_ASSETS@", 4)).AssetType);
        Assert.Equal(FormatErrorKind.Malformed, p.TryParse("2022-08-08T13:51:34Z|@REMOVE_ASSET@", 5).Error!.Kind);
        Assert.Equal(FormatErrorKind.Malformed, p.TryParse("2022-08-08T13:51:34Z|@NOPE@|x", 6).Error!.Kind);
    }

    [Fact]
    public void Ping_pong_and_commands()
    {
        var p = new ShdrLineParser();
        Assert.IsType<ShdrPing>(p.Parse("* PING", 1));
        Assert.Equal(10000, Assert.IsType<ShdrPong>(p.Parse("* PONG 10000", 2)).HeartbeatMilliseconds);
        Assert.Null(Assert.IsType<ShdrPong>(p.Parse("* PONG", 3)).HeartbeatMilliseconds);
        Assert.Equal(("shdrVersion", "2"), Cmd(p.Parse("* shdrVersion: 2", 4)));
        Assert.Equal(("uuid", "abc-123"), Cmd(p.Parse("* uuid: abc-123", 5)));
        Assert.Equal(("adapterVersion", "UNAVAILABLE"), Cmd(p.Parse("*adapterVersion:UNAVAILABLE", 6)));
        Assert.Equal(FormatErrorKind.InvalidValue, p.TryParse("* PONG soon", 7).Error!.Kind);
        Assert.Equal(FormatErrorKind.Malformed, p.TryParse("* hello", 8).Error!.Kind);

        static (string, string) Cmd(ShdrLine? line) => Assert.IsType<ShdrCommand>(line) is var c ? (c.Name, c.Value) : default;
    }

    [Fact]
    public void Blank_lines_give_neither_line_nor_error()
    {
        Assert.True(new ShdrLineParser().TryParse("   \r", 1).IsBlank);
    }

    [Fact]
    public void Heuristic_reads_conditions_only_when_their_fields_fit()
    {
        var h = HeuristicShdrKeyResolver.Instance;
        Assert.IsType<ShdrCondition>(Data("2017-06-22T08:41:22.829Z|logic_cond|Warning|345||| ERROR(DOOR OPEN)", h).Entries.Single());
        var notCondition = Data("2022-08-08T13:53:45.5226199Z|p1Fcmd|UNAVAILABLE|p1Fract|861.4038|p1Frcmd|5", h);
        Assert.All(notCondition.Entries, e => Assert.IsType<ShdrValue>(e));
        Assert.Equal(3, notCondition.Entries.Count);
        Assert.IsType<ShdrValue>(Data("2022-08-08T13:51:34Z|avail|normal", h).Entries.Single());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now => now;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
