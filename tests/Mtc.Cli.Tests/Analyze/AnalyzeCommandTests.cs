using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Mtc.Cli.Tests.Inspect;

namespace Mtc.Cli.Tests.Analyze;

public sealed class AnalyzeCommandTests : IDisposable
{
    private static readonly string Okuma = Data("cppagent", "demo", "agent", "okuma.txt.gz");
    private static readonly string OkumaDevices = Data("cppagent", "demo", "agent", "Devices.xml");
    private readonly string _dir = Directory.CreateTempSubdirectory("mtc-analyze-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Okuma_log_gives_its_four_cycles_and_status_seconds_that_add_up_to_the_span()
    {
        var json = (await CliRun.RunAsync("analyze", "--devices", OkumaDevices, "--device", "OKUMA", "--shdr", Okuma)).Json();

        // Independent scan of the raw log: ACTIVE to PROGRAM_COMPLETED, the program loaded at the time.
        var expected = new List<(string Start, string End, string Program)>();
        string? program = null, start = null;
        foreach (var line in ReadLines(Okuma))
        {
            var f = line.Split('|');
            for (var i = 1; i + 1 < f.Length; i += 2)
            {
                if (f[i] == "pprogram") program = f[i + 1];
                if (f[i] == "pexecution" && f[i + 1] == "ACTIVE") start = f[0];
                if (f[i] == "pexecution" && f[i + 1] == "PROGRAM_COMPLETED" && start is not null)
                {
                    expected.Add((start, f[0], program!));
                    start = null;
                }
            }
        }

        var machine = Assert.Single(json.GetProperty("machines").EnumerateArray());
        Assert.Equal("OKUMA", machine.GetProperty("device").GetString());
        Assert.Equal("OKUMA.123456", machine.GetProperty("uuid").GetString());
        var cycles = machine.GetProperty("cycles").EnumerateArray().ToList();
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected.Count, cycles.Count);
        foreach (var (cycle, want) in cycles.Zip(expected))
        {
            Assert.Equal(Time(want.Start), cycle.GetProperty("start").GetDateTime().ToUniversalTime());
            Assert.Equal(Time(want.End), cycle.GetProperty("end").GetDateTime().ToUniversalTime());
            Assert.Equal((Time(want.End) - Time(want.Start)).TotalSeconds, cycle.GetProperty("durationSeconds").GetDouble(), 2);
            Assert.True(cycle.GetProperty("activeSeconds").GetDouble() > 0);
            Assert.Equal(want.Program, cycle.GetProperty("program").GetString());
            Assert.Equal(1, cycle.GetProperty("parts").GetInt64());
            Assert.Equal("completed", cycle.GetProperty("completion").GetString());
        }

        var status = machine.GetProperty("statusSeconds");
        Assert.Equal(["ACTIVE", "IDLE", "SETUP", "ALARM", "OFFLINE"], status.EnumerateObject().Select(p => p.Name));
        var span = machine.GetProperty("summary").GetProperty("spanSeconds").GetDouble();
        Assert.Equal(span, status.EnumerateObject().Sum(p => p.Value.GetDouble()), 2);
        Assert.Equal(cycles.Sum(c => c.GetProperty("activeSeconds").GetDouble()), status.GetProperty("ACTIVE").GetDouble(), 2);
        Assert.Equal(5, machine.GetProperty("parts").GetInt64()); // 0→1, reset, 0→1, 1→2 between recordings, 2→3, reset, 0→1
        Assert.Equal(JsonValueKind.Array, machine.GetProperty("setups").ValueKind);
        Assert.Empty(machine.GetProperty("alarms").EnumerateArray()); // all conditions NORMAL in this log
    }

    [Fact]
    public async Task Plain_and_gzip_logs_give_the_same_report_and_the_table_lists_the_cycles()
    {
        var plain = Path.Combine(_dir, "okuma.txt");
        await File.WriteAllLinesAsync(plain, ReadLines(Okuma));

        var fromGzip = await CliRun.RunAsync("analyze", "--devices", OkumaDevices, "--device", "OKUMA", "--shdr", Okuma);
        var fromPlain = await CliRun.RunAsync("analyze", "--devices", OkumaDevices, "--device", "OKUMA", "--shdr", plain, "--format", "json");
        Assert.Equal(0, fromPlain.ExitCode);
        Assert.Equal(fromGzip.Stdout, fromPlain.Stdout);

        var table = await CliRun.RunAsync("analyze", "--devices", OkumaDevices, "--device", "OKUMA", "--shdr", Okuma, "--format", "table");
        Assert.Equal(0, table.ExitCode);
        foreach (var cycle in fromGzip.Json().GetProperty("machines")[0].GetProperty("cycles").EnumerateArray())
        {
            Assert.Contains(cycle.GetProperty("program").GetString()!, table.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("ACTIVE", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("parts 5", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counter_only_machine_gets_cycles_between_increments()
    {
        var devices = Path.Combine(_dir, "Devices.xml");
        await File.WriteAllTextAsync(devices, """
            <MTConnectDevices xmlns="urn:mtconnect.org:MTConnectDevices:2.0">
              <Header creationTime="2024-01-01T00:00:00Z" sender="t" instanceId="1" version="2.0" bufferSize="10"/>
              <Devices>
                <Device id="press" name="Press" uuid="press-1">
                  <DataItems>
                    <DataItem id="avail" type="AVAILABILITY" category="EVENT"/>
                    <DataItem id="count" name="strokes" type="PART_COUNT" category="EVENT"/>
                  </DataItems>
                </Device>
              </Devices>
            </MTConnectDevices>
            """);
        var log = Path.Combine(_dir, "press.txt");
        var t0 = new DateTime(2024, 1, 1, 6, 0, 0, DateTimeKind.Utc);
        string At(double s) => t0.AddSeconds(s).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        await File.WriteAllLinesAsync(log, [
            $"{At(0)}|avail|AVAILABLE|strokes|10",
            $"{At(20)}|strokes|11", $"{At(50)}|strokes|12", $"{At(80)}|strokes|13", $"{At(1000)}|strokes|14",
        ]);

        var machine = (await CliRun.RunAsync("analyze", "--devices", devices, "--shdr", log)).Json().GetProperty("machines")[0];

        Assert.Equal([30.0, 30.0], machine.GetProperty("cycles").EnumerateArray().Select(c => c.GetProperty("durationSeconds").GetDouble()));
        Assert.Equal(4, machine.GetProperty("parts").GetInt64());
        Assert.True(machine.GetProperty("summary").GetProperty("counterOnly").GetBoolean());
        Assert.Equal(60 + 300, machine.GetProperty("statusSeconds").GetProperty("ACTIVE").GetDouble()); // 20 → 80 + 5 min
        var shorter = (await CliRun.RunAsync("analyze", "--devices", devices, "--shdr", log, "--counter-idle-minutes", "1")).Json();
        Assert.Equal(60 + 60, shorter.GetProperty("machines")[0].GetProperty("statusSeconds").GetProperty("ACTIVE").GetDouble());
    }

    [Theory]
    [InlineData("several devices", "has 2 devices")]
    [InlineData("unknown device", "has no device 'LATHE9'")]
    [InlineData("missing log", "no such file")]
    [InlineData("log is not for the device", "no observation of device")]
    [InlineData("devices file is a log", "not a readable devices document")]
    [InlineData("no devices option", "--devices FILE is required")]
    [InlineData("bad format", "--format must be json or table")]
    [InlineData("stray argument", "unexpected argument")]
    public async Task Bad_usage_and_invalid_input_exit_2_with_one_line(string situation, string reason)
    {
        var garbage = Path.Combine(_dir, "garbage.txt");
        await File.WriteAllTextAsync(garbage, "this is not SHDR\nnor this\n");
        string[] args = situation switch
        {
            "several devices" => ["--devices", OkumaDevices, "--shdr", Okuma],
            "unknown device" => ["--devices", OkumaDevices, "--device", "LATHE9", "--shdr", Okuma],
            "missing log" => ["--devices", OkumaDevices, "--device", "OKUMA", "--shdr", Path.Combine(_dir, "none.txt")],
            "log is not for the device" => ["--devices", OkumaDevices, "--device", "OKUMA", "--shdr", garbage],
            "devices file is a log" => ["--devices", Okuma, "--device", "OKUMA", "--shdr", Okuma],
            "no devices option" => ["--shdr", Okuma],
            "bad format" => ["--devices", OkumaDevices, "--device", "OKUMA", "--shdr", Okuma, "--format", "xml"],
            _ => ["--devices", OkumaDevices, "--device", "OKUMA", "--shdr", Okuma, "extra"],
        };

        var run = await CliRun.RunAsync(["analyze", .. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_that_cannot_be_read_is_a_runtime_failure()
    {
        var run = await CliRun.RunAsync("analyze", "--devices", OkumaDevices, "--device", "OKUMA", "--shdr", _dir); // a directory

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.StderrLines);
    }

    private static string Data(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    private static List<string> ReadLines(string gz)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gz), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static DateTime Time(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
