using System.Globalization;
using Mtc.Core.Model;
using Mtc.Core.Shdr;
using Mtc.Core.Tests.Support;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Shdr;

/// <summary>Real adapter logs, read whole; every expected count comes from plain string work in the test.</summary>
public sealed class ShdrCorpusTests
{
    private const string Okuma = "cppagent/demo/agent/okuma.txt.gz";
    private const string OkumaDevices = "cppagent/demo/agent/Devices.xml";
    private const string NistMazak = "nist-smstestbed/raw/Mazak01/Mazak01-20170622-20170623.txt.gz";
    private const string NistHurco = "nist-smstestbed/raw/Hurco01/Hurco01-20170518-20170519.txt";
    private const string NistDevices = "nist-smstestbed/mtconnect/agent/Devices.xml";
    private const string NodeMazak01 = "mtconnect-agent-node/adapters/simulator/public/Mazak01.log";
    private const string NodeMazak03 = "mtconnect-agent-node/adapters/simulator2/public/Mazak03.log";

    private static List<ShdrParseResult> ReadAll(string log, IShdrKeyResolver resolver, out ShdrReader reader)
    {
        reader = new ShdrReader(CapturedFiles.Reader(log), resolver);
        var results = new List<ShdrParseResult>();
        while (reader.TryRead(out var result))
        {
            results.Add(result);
        }

        return results;
    }

    /// <summary>The resolver an agent would have: built from the devices file read by the product's XML reader.</summary>
    private static DeviceShdrKeyResolver DevicesResolver(string devices)
    {
        using var file = File.OpenRead(CapturedFiles.PathOf(devices));
        return new DeviceShdrKeyResolver(MtConnectXml.ReadDevices(file));
    }

    private static HashSet<string> ConditionKeys(string devices) =>
        DevicesFromXml.Keys(devices, e => (string?)e.Attribute("category") == "CONDITION");

    private static readonly string[] Levels = ["normal", "warning", "fault", "unavailable"];

    /// <summary>
    /// The independent reading: split each line on '|', skip multiline asset bodies, and walk key/value
    /// pairs, where a condition key (from the devices file) takes five fields and any other key one; a key
    /// the devices file lacks is a condition when it is followed by a level word and exactly five fields.
    /// </summary>
    private static (int DataLines, int Entries, int Conditions, int Assets, int Commands, HashSet<string> Stamps, HashSet<string> Unknown) Expected(string log, string devices)
    {
        var conditionKeys = ConditionKeys(devices);
        var allKeys = DevicesFromXml.Keys(devices, _ => true);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        int dataLines = 0, entries = 0, conditions = 0, assets = 0, commands = 0;
        var stamps = new HashSet<string>(StringComparer.Ordinal);
        string? terminator = null;
        foreach (var line in CapturedFiles.Lines(log))
        {
            if (terminator is not null)
            {
                if (line == terminator)
                {
                    terminator = null;
                }

                continue;
            }

            if (line.StartsWith('*'))
            {
                commands++;
                continue;
            }

            var parts = line.Split('|');
            if (parts[1].StartsWith('@'))
            {
                assets++;
                var marker = parts[^1].IndexOf("--multiline--", StringComparison.Ordinal);
                terminator = marker >= 0 ? parts[^1][marker..] : null;
                continue;
            }

            dataLines++;
            stamps.Add(parts[0]);
            for (var i = 1; i < parts.Length;)
            {
                entries++;
                var isKnown = allKeys.Contains(parts[i]);
                if (!isKnown)
                {
                    unknown.Add(parts[i]);
                }

                if (conditionKeys.Contains(parts[i])
                    || (!isKnown && parts.Length - i == 6 && Levels.Contains(parts[i + 1], StringComparer.OrdinalIgnoreCase)))
                {
                    conditions++;
                    i += 6;
                }
                else
                {
                    i += 2;
                }
            }
        }

        return (dataLines, entries, conditions, assets, commands, stamps, unknown);
    }

    private static void AssertMatchesIndependentReading(string log, string devices, IShdrKeyResolver resolver)
    {
        var results = ReadAll(log, resolver, out var reader);
        var expected = Expected(log, devices);
        Assert.Equal(0, reader.MalformedLines);
        Assert.All(results, r => Assert.Null(r.Error));
        var data = results.Select(r => r.Line).OfType<ShdrDataLine>().ToList();
        Assert.Equal(expected.DataLines, data.Count);
        Assert.Equal(expected.Entries, data.Sum(d => d.Entries.Count));
        Assert.Equal(expected.Conditions, data.Sum(d => d.Entries.OfType<ShdrCondition>().Count()));
        Assert.Equal(expected.Assets, results.Count(r => r.Line is ShdrAssetCommand));
        Assert.Equal(expected.Commands, results.Count(r => r.Line is ShdrCommand or ShdrPing or ShdrPong));
        Assert.Equal(expected.Stamps.Count, data.Select(d => d.Timestamp).Distinct().Count());
        Assert.Equal(CapturedFiles.Lines(log).Count, reader.LineNumber);
        if (resolver is DeviceShdrKeyResolver)
        {
            Assert.Equal(expected.Unknown.Order(), data.SelectMany(d => d.Entries).Where(e => !e.IsKnown).Select(e => e.Key).Distinct().Order());
        }
    }

    [Fact]
    public void Okuma_log_reads_with_no_malformed_lines_and_matches_an_independent_count()
    {
        AssertMatchesIndependentReading(Okuma, OkumaDevices, DevicesResolver(OkumaDevices));
    }

    [Fact]
    public void Okuma_log_reads_the_same_with_the_heuristic_resolver()
    {
        AssertMatchesIndependentReading(Okuma, OkumaDevices, HeuristicShdrKeyResolver.Instance);
    }

    [Fact]
    public void Okuma_log_has_four_completed_cycles_and_part_counts_zero_to_three()
    {
        var results = ReadAll(Okuma, DevicesResolver(OkumaDevices), out _);
        var values = results.Select(r => r.Line).OfType<ShdrDataLine>().SelectMany(d => d.Entries).OfType<ShdrValue>().ToList();
        var execution = values.Where(v => v.Key == "pexecution").Select(v => v.Value).ToList();
        var completed = execution.Zip(execution.Skip(1)).Count(p => p is ("ACTIVE", "PROGRAM_COMPLETED"));
        Assert.Equal(4, completed);
        var parts = values.Where(v => v.Key == "ppartcount").Select(v => int.Parse(v.Value, CultureInfo.InvariantCulture)).Distinct().Order();
        Assert.Equal([0, 1, 2, 3], parts);

        // The one key the adapter sends that the demo's Devices.xml does not declare.
        Assert.Equal(["ApplicationInstallDate"], values.Where(v => !v.IsKnown).Select(v => v.Key).Distinct());
    }

    [Fact]
    public void Okuma_multiline_assets_have_their_bodies_and_header_line_numbers()
    {
        var lines = CapturedFiles.Lines(Okuma);
        var results = ReadAll(Okuma, HeuristicShdrKeyResolver.Instance, out _);
        var adds = results.Select(r => r.Line).OfType<ShdrAssetCommand>().Where(a => a.Action == ShdrAssetAction.Add).ToList();
        Assert.Equal(lines.Count(l => l.Contains("|@ASSET@|", StringComparison.Ordinal)), adds.Count);
        foreach (var asset in adds)
        {
            var header = lines[asset.LineNumber - 1];
            Assert.Equal(header.Split('|')[2], asset.AssetId);
            Assert.Equal("CuttingTool", asset.AssetType);
            Assert.Equal(lines[asset.LineNumber], asset.Body);
            Assert.Equal("--multiline--ABCD", lines[asset.LineNumber + 1]);
            Assert.Contains($"assetId=\"{asset.AssetId}\"", asset.Body, StringComparison.Ordinal);
        }

        var removes = results.Select(r => r.Line).OfType<ShdrAssetCommand>().Where(a => a.Action == ShdrAssetAction.Remove).ToList();
        Assert.Equal(lines.Count(l => l.Contains("|@REMOVE_ASSET@|", StringComparison.Ordinal)), removes.Count);
    }

    [Fact]
    public void Nist_Mazak01_day_log_reads_with_no_malformed_lines()
    {
        AssertMatchesIndependentReading(NistMazak, NistDevices, DevicesResolver(NistDevices));

        // Four conditions in the log's first lines are not in the test bed's Devices.xml; they are still read as conditions.
        var results = ReadAll(NistMazak, DevicesResolver(NistDevices), out _);
        var unknownConditions = results.Select(r => r.Line).OfType<ShdrDataLine>()
            .Where(d => d.Entries.Any(e => e is ShdrCondition { IsKnown: false })).Select(d => d.LineNumber);
        Assert.Equal([3, 9, 10, 12], unknownConditions);
    }

    [Fact]
    public void Nist_Mazak01_warning_condition_fields()
    {
        var results = ReadAll(NistMazak, DevicesResolver(NistDevices), out _);
        var warning = results.Select(r => r.Line).OfType<ShdrDataLine>()
            .SelectMany(d => d.Entries.OfType<ShdrCondition>().Select(c => (d, c)))
            .First(x => x.c.Level == ConditionLevel.Warning);

        // First Warning line, found the plain way: 2017-06-22T08:41:22.829Z|logic_cond|Warning|345||| ERROR(DOOR OPEN)
        var raw = CapturedFiles.Lines(NistMazak).First(l => l.Split('|') is { Length: 7 } p && p[2] == "Warning").Split('|');
        Assert.Equal(DateTime.Parse(raw[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), warning.d.Timestamp);
        Assert.Equal((raw[1], raw[3], raw[6].Trim()), (warning.c.Key, warning.c.NativeCode, warning.c.Message));
        Assert.Equal(("logic_cond", "345", "ERROR(DOOR OPEN)"), (warning.c.Key, warning.c.NativeCode, warning.c.Message));
        Assert.Null(warning.c.NativeSeverity);
        Assert.Null(warning.c.Qualifier);
        var warnings = results.Select(r => r.Line).OfType<ShdrDataLine>().SelectMany(d => d.Entries).OfType<ShdrCondition>().Count(c => c.Level == ConditionLevel.Warning);
        Assert.Equal(CapturedFiles.Lines(NistMazak).Count(l => l.Split('|') is { Length: 7 } p && p[2] == "Warning"), warnings);
    }

    [Fact]
    public void Nist_Hurco01_log_reads_with_no_malformed_lines()
    {
        AssertMatchesIndependentReading(NistHurco, NistDevices, DevicesResolver(NistDevices));
    }

    [Fact]
    public void Node_agent_Mazak01_log_reads_with_no_malformed_lines()
    {
        const string devices = "mtconnect-agent-node/adapters/simulator/public/Mazak01.xml";
        AssertMatchesIndependentReading(NodeMazak01, devices, DevicesResolver(devices));
    }

    [Fact]
    public void Node_agent_Mazak03_log_reads_and_its_cut_off_last_line_is_an_empty_value()
    {
        const string devices = "mtconnect-agent-node/adapters/simulator2/public/Mazak03.xml";
        AssertMatchesIndependentReading(NodeMazak03, devices, DevicesResolver(devices));

        // The file was cut mid-line: its last line, with no line break, is "…|Zabs|", a key with an empty value.
        Assert.False(CapturedFiles.Text(NodeMazak03).EndsWith('\n'));
        var results = ReadAll(NodeMazak03, HeuristicShdrKeyResolver.Instance, out _);
        var last = Assert.IsType<ShdrDataLine>(results[^1].Line);
        Assert.Equal(("Zabs", ""), (last.Entries.Single().Key, ((ShdrValue)last.Entries.Single()).Value));

        // Timestamps without Z are UTC.
        Assert.Equal(new DateTime(2017, 10, 29, 3, 45, 29, DateTimeKind.Utc).AddTicks(1_721_730), last.Timestamp);
    }
}
