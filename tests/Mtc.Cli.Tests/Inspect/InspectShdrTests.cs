using System.Globalization;
using System.Text.Json;

namespace Mtc.Cli.Tests.Inspect;

public sealed class InspectShdrTests
{
    private static readonly string Okuma = CorpusFiles.PathOf("cppagent/demo/agent/okuma.txt.gz");
    private static readonly string OkumaDevices = CorpusFiles.PathOf("cppagent/demo/agent/Devices.xml");

    [Fact]
    public async Task The_okuma_log_reads_with_zero_malformed_lines_and_independent_counts()
    {
        var expected = ShdrCounts.Of(Okuma, OkumaDevices);

        var json = (await CliRun.RunAsync("inspect", "--shdr", Okuma, "--devices", OkumaDevices)).Json();

        Assert.Equal("shdr", json.GetProperty("kind").GetString());
        Assert.Equal(0, json.GetProperty("malformedLines").GetProperty("count").GetInt32());
        Assert.Equal(0, json.GetProperty("malformedLines").GetProperty("first").GetArrayLength());
        Assert.Equal(10770, expected.Lines);
        Assert.Equal(expected.Lines, json.GetProperty("lines").GetInt32());
        Assert.Equal(expected.Observations, json.GetProperty("observations").GetInt32());
        Assert.Equal(expected.Conditions, json.GetProperty("conditions").GetInt32());
        Assert.Equal(expected.Unavailable, json.GetProperty("unavailable").GetInt32());
        Assert.Equal(expected.Assets, json.GetProperty("assets").GetInt32());
        Assert.Equal(expected.Commands, json.GetProperty("commands").GetInt32());
        Assert.Equal(expected.First, Time(json, "first"));
        Assert.Equal(expected.Last, Time(json, "last"));
    }

    [Fact]
    public async Task Without_a_devices_model_the_keys_are_read_by_their_fields()
    {
        var json = (await CliRun.RunAsync("inspect", "--shdr", Okuma)).Json();

        Assert.Equal(0, json.GetProperty("malformedLines").GetProperty("count").GetInt32());
        Assert.Equal(ShdrCounts.Of(Okuma, OkumaDevices).Conditions, json.GetProperty("conditions").GetInt32());
        Assert.False(json.TryGetProperty("unknownKeys", out _));
    }

    [Fact]
    public async Task Malformed_lines_are_counted_and_listed_by_number()
    {
        var log = Path.Combine(Path.GetTempPath(), $"mtc-shdr-{Guid.NewGuid():N}.txt");
        string[] lines =
        [
            "2024-03-05T14:00:00Z|exec|ACTIVE|pcount|1",
            "not a timestamp|exec|READY",
            "2024-03-05T14:00:02Z|system|FAULT|E1||HIGH|Overtemp",
            "2024-03-05T14:00:03Z|@ASSET@|T1|CuttingTool|--multiline--X",
            "<CuttingTool assetId=\"T1\"/>",
            "--multiline--X",
            "* PONG 10000",
            "2024-03-05T14:00:04|exec|UNAVAILABLE",
        ];
        await File.WriteAllLinesAsync(log, lines);
        try
        {
            var json = (await CliRun.RunAsync("inspect", "--shdr", log)).Json();

            Assert.Equal(8, json.GetProperty("lines").GetInt32());
            Assert.Equal(1, json.GetProperty("malformedLines").GetProperty("count").GetInt32());
            Assert.Equal([2], json.GetProperty("malformedLines").GetProperty("first").EnumerateArray().Select(e => e.GetInt32()));
            Assert.StartsWith("line 2", json.GetProperty("malformedLines").GetProperty("firstError").GetString(), StringComparison.Ordinal);
            Assert.Equal(4, json.GetProperty("observations").GetInt32());
            Assert.Equal(1, json.GetProperty("conditions").GetInt32());
            Assert.Equal(1, json.GetProperty("unavailable").GetInt32());
            Assert.Equal(1, json.GetProperty("assets").GetInt32());
            Assert.Equal(1, json.GetProperty("commands").GetInt32());
            Assert.Equal(new DateTime(2024, 3, 5, 14, 0, 0, DateTimeKind.Utc), Time(json, "first"));
            Assert.Equal(new DateTime(2024, 3, 5, 14, 0, 4, DateTimeKind.Utc), Time(json, "last"));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task Messages_and_alarms_count_as_unavailable_as_an_agent_publishes_them()
    {
        var dir = Directory.CreateTempSubdirectory("mtc-shdr-").FullName;
        try
        {
            var devices = Path.Combine(dir, "Devices.xml");
            await File.WriteAllTextAsync(devices, """
                <?xml version="1.0" encoding="UTF-8"?>
                <MTConnectDevices xmlns="urn:mtconnect.org:MTConnectDevices:2.0">
                  <Header creationTime="2024-03-05T14:00:00Z" sender="t" instanceId="1" version="2.0.0.0" bufferSize="16" assetBufferSize="1" assetCount="0"/>
                  <Devices><Device id="d" name="d" uuid="d"><DataItems>
                    <DataItem id="m" name="msg" type="MESSAGE" category="EVENT"/>
                    <DataItem id="a" name="alarm" type="ALARM" category="EVENT"/>
                    <DataItem id="x" name="exec" type="EXECUTION" category="EVENT"/>
                  </DataItems></Device></Devices>
                </MTConnectDevices>
                """);
            var log = Path.Combine(dir, "log.txt");
            await File.WriteAllLinesAsync(log,
            [
                "2024-03-05T14:00:00Z|msg|M1|Door open|alarm|OTHER|A1|CRITICAL|ACTIVE|Spindle fault|exec|ACTIVE",
                "2024-03-05T14:00:01Z|msg|M2|unavailable|alarm|UNAVAILABLE||||",
                "2024-03-05T14:00:02Z|alarm|OTHER|A2|LOW|ACTIVE|UNAVAILABLE|exec|UNAVAILABLE",
            ]);

            var json = (await CliRun.RunAsync("inspect", "--shdr", log, "--devices", devices)).Json();

            Assert.Equal(7, json.GetProperty("observations").GetInt32());
            Assert.Equal(2, json.GetProperty("messages").GetInt32());
            Assert.Equal(3, json.GetProperty("alarms").GetInt32());
            Assert.Equal(4, json.GetProperty("unavailable").GetInt32());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_shdr_at_all_exits_2()
    {
        var path = CorpusFiles.PathOf("json/errors-v1.json");

        var run = await CliRun.RunAsync("inspect", "--shdr", path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"{path}:1:", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Contains("not an SHDR log", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_device_name_exits_2_naming_the_devices()
    {
        var run = await CliRun.RunAsync("inspect", "--shdr", Okuma, "--devices", OkumaDevices, "--device", "NoSuchMachine");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("no device 'NoSuchMachine'", line, StringComparison.Ordinal);
        Assert.Contains("OKUMA", line, StringComparison.OrdinalIgnoreCase);
    }

    private static DateTime Time(JsonElement json, string name) =>
        DateTime.Parse(json.GetProperty(name).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
