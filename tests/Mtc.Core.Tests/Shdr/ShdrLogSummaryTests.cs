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
}
