using System.Diagnostics;
using System.Xml.Linq;

namespace Mtc.Cli.Tests;

public sealed class SimCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await MtcCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Help_lists_every_option()
    {
        var (code, output, _) = await RunAsync("sim", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--port", "--host", "--version", "--buffer", "--generate", "--seed", "--devices", "--shdr", "--device", "--speed", "--loop", "--max-gap", "--adapter", "--mqtt", "--mqtt-prefix", "--quirks", "cppagent", "mtconnect.net", "/_sim/restart" })
        {
            Assert.Contains(option, output);
        }
    }

    [Theory]
    [InlineData("sim")]
    [InlineData("sim", "--generate", "2", "--version", "3.9")]
    [InlineData("sim", "--shdr", "log.txt")]
    [InlineData("sim", "--generate", "1", "--port", "70000")]
    [InlineData("sim", "--devices", "no-such-file.xml", "--shdr", "no-such-log.txt")]
    [InlineData("sim", "--generate", "1", "--quirks", "trakhound")]
    [InlineData("sim", "--generate", "1", "--mqtt", "broker-without-port")]
    [InlineData("sim", "--generate", "1", "--mqtt", "127.0.0.1:1883", "--mqtt-prefix", "MTConnect/#")]
    public async Task Bad_usage_exits_2_with_a_one_line_reason(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);
        Assert.Equal(2, code);
        Assert.StartsWith("mtc sim: ", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_restarted_sim_process_on_the_same_port_has_a_new_instanceId_and_observations_before_the_first_request()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var args = new[] { "sim", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--generate", "2", "--quirks", "mtconnect.net", "--speed", "20" };
        var first = await CurrentOfANewProcessAsync(args);
        var second = await CurrentOfANewProcessAsync(args);

        Assert.NotEqual(first.InstanceId, second.InstanceId);
        Assert.True(second.InstanceId > first.InstanceId);
        // Every data item UNAVAILABLE, then the machines' first values, all from sequence 1.
        Assert.Equal(1, second.FirstSequence);
        Assert.True(second.Observations > 20, $"{second.Observations} observations in the new instance's buffer");
    }

    /// <summary>Starts <c>mtc sim</c>, reads its current once, kills it.</summary>
    private static async Task<(long InstanceId, long FirstSequence, int Observations)> CurrentOfANewProcessAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mtc.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            using var http = new HttpClient { BaseAddress = new Uri(line[line.IndexOf("http://", StringComparison.Ordinal)..].Trim()) };
            var current = XDocument.Parse(await http.GetStringAsync("current", timeout.Token));
            var header = current.Descendants().Single(e => e.Name.LocalName == "Header");
            return ((long)header.Attribute("instanceId")!, (long)header.Attribute("firstSequence")!,
                current.Descendants().Count(e => e.Attribute("sequence") is not null));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task The_mtc_process_prints_its_URL_and_serves_the_generated_machines()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "mtc.dll"), "sim", "--port", "0", "--generate", "2", "--seed", "5" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            var url = line[line.IndexOf("http://", StringComparison.Ordinal)..].Trim();

            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var probe = XDocument.Parse(await http.GetStringAsync("probe", timeout.Token));
            Assert.Equal(2, probe.Descendants().Count(e => e.Name.LocalName == "Device"));
            Assert.Contains(probe.Descendants(), e => e.Name.LocalName == "Device" && (string?)e.Attribute("uuid") == "sim-5-001");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
