using System.Globalization;
using Mtc.Core.Shdr;
using Mtc.Core.Tests.Support;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Shdr;

public sealed class ShdrLogSummaryTests
{
    private static DateTime Utc(string stamp) =>
        DateTime.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [Theory]
    [InlineData("nist-smstestbed/raw/Mazak01/Mazak01-20170622-20170623.txt.gz", "nist-smstestbed/mtconnect/agent/Devices.xml")]
    [InlineData("nist-smstestbed/raw/Hurco01/Hurco01-20170518-20170519.txt", "nist-smstestbed/mtconnect/agent/Devices.xml")]
    [InlineData("mtconnect-agent-node/adapters/simulator/public/Mazak01.log", "mtconnect-agent-node/adapters/simulator/public/Mazak01.xml")]
    public void Summary_of_one_pair_per_line_logs_matches_a_plain_count(string log, string devices)
    {
        // These logs hold one key per line: a condition when the line has 7 fields, a value when it has 3.
        var lines = CapturedFiles.Lines(log);
        var parts = lines.Select(l => l.Split('|')).ToList();
        Assert.All(parts, p => Assert.Contains(p.Length, new[] { 3, 7 }));
        var stamps = parts.Select(p => Utc(p[0])).ToList();
        var known = DevicesFromXml.Keys(devices, _ => true);

        using var file = File.OpenRead(CapturedFiles.PathOf(devices));
        var summary = ShdrLogSummary.Read(CapturedFiles.Reader(log), new DeviceShdrKeyResolver(MtConnectXml.ReadDevices(file)));

        Assert.Equal(lines.Count, summary.Lines);
        Assert.Equal(lines.Count, summary.DataLines);
        Assert.Equal(lines.Count, summary.Observations);
        Assert.Equal(parts.Count(p => p.Length == 7), summary.Conditions);
        Assert.Equal(parts.Count(p => string.Equals(p[2], "UNAVAILABLE", StringComparison.OrdinalIgnoreCase)), summary.Unavailable);
        Assert.Equal(parts.Select(p => p[1]).Where(k => !known.Contains(k)).Distinct().Count(), summary.UnknownKeys);
        Assert.Equal(0, summary.MalformedLines);
        Assert.Empty(summary.FirstErrors);
        Assert.Equal((stamps[0], stamps[^1], stamps.Min(), stamps.Max()), (summary.First, summary.Last, summary.Earliest, summary.Latest));
    }

    [Fact]
    public void Summary_of_the_okuma_log_counts_assets_and_commands()
    {
        var lines = CapturedFiles.Lines("cppagent/demo/agent/okuma.txt.gz");
        var summary = ShdrLogSummary.Read(CapturedFiles.Reader("cppagent/demo/agent/okuma.txt.gz"));
        Assert.Equal(lines.Count, summary.Lines);
        Assert.Equal(lines.Count(l => l.Contains("|@ASSET@|", StringComparison.Ordinal)), summary.Assets);
        Assert.Equal(lines.Count(l => l.Contains("|@", StringComparison.Ordinal)), summary.AssetCommands);
        Assert.Equal(lines.Count(l => l.StartsWith('*')), summary.ProtocolCommands);
        Assert.Equal(lines.Count(l => l.EndsWith("_cond|NORMAL||||", StringComparison.Ordinal) || l.EndsWith("|system|NORMAL||||", StringComparison.Ordinal)), summary.Conditions);
        Assert.Equal(0, summary.MalformedLines);
    }

    [Fact]
    public void Malformed_lines_are_counted_and_the_first_ones_kept_in_order()
    {
        var log = string.Join('\n', Enumerable.Range(1, 30).Select(i => i % 3 == 0 ? $"bad{i}|x|1" : $"2022-08-08T13:51:{i:00}Z|x|{i}"));
        var summary = ShdrLogSummary.Read(new StringReader(log), keepErrors: 4);
        Assert.Equal(10, summary.MalformedLines);
        Assert.Equal([3, 6, 9, 12], summary.FirstErrors.Select(e => e.Line));
        Assert.Equal(20, summary.DataLines);
        Assert.Equal(new DateTime(2022, 8, 8, 13, 51, 29, DateTimeKind.Utc), summary.Last);
    }

    [Fact]
    public void Messages_alarms_assets_and_prefixed_keys_are_counted_with_one_unavailable_rule()
    {
        var resolver = new DeviceShdrKeyResolver(new Model.Device
        {
            ElementName = "Device", Name = "d", Id = "d",
            DataItems =
            [
                new Model.DataItem { Id = "m", Name = "msg", Type = "MESSAGE", Category = Model.DataItemCategory.Event },
                new Model.DataItem { Id = "a", Name = "alarm", Type = "ALARM", Category = Model.DataItemCategory.Event },
                new Model.DataItem { Id = "x", Name = "exec", Type = "EXECUTION", Category = Model.DataItemCategory.Event },
            ],
        });
        string[] lines =
        [
            "2024-03-05T14:00:05Z|msg|M1|Door open|alarm|OTHER|A1|CRITICAL|ACTIVE|Spindle fault",
            "2024-03-05T14:00:01Z|@ASSET@|T1|CuttingTool|<CuttingTool assetId=\"T1\"/>",
            "2024-03-05T14:00:06Z|msg|M2|unavailable|alarm|UNAVAILABLE||||",
            "2024-03-05T14:00:07Z|d:exec|ACTIVE|other|1",
            "2024-03-05T14:00:08Z|@REMOVE_ASSET@|T1",
            "|exec|READY",
        ];
        var summary = ShdrLogSummary.Read(new StringReader(string.Join('\n', lines)), resolver);

        Assert.Equal((4, 7, 2, 2, 2), (summary.DataLines, summary.Observations, summary.Messages, summary.Alarms, summary.Unavailable));
        Assert.Equal(5, summary.Keys); // msg, alarm, d:exec, other, exec
        Assert.Equal(["d"], summary.Devices);
        Assert.Equal(["other"], summary.UnknownKeyNames);
        Assert.Equal(2, summary.AssetCommands);
        Assert.Equal(1, summary.AssetCommandsByAction[ShdrAssetAction.Add]);
        Assert.Equal(1, summary.AssetCommandsByAction[ShdrAssetAction.Remove]);
        // The line without a timestamp does not move the times; the asset dump stamped earlier is the earliest.
        Assert.Equal((Utc("2024-03-05T14:00:05Z"), Utc("2024-03-05T14:00:08Z")), (summary.First, summary.Last));
        Assert.Equal((Utc("2024-03-05T14:00:01Z"), Utc("2024-03-05T14:00:08Z")), (summary.Earliest, summary.Latest));
        Assert.Equal(6, summary.ParsedLines);
    }
}
