using System.Text;
using Mtc.Cli.Tests.Inspect;

namespace Mtc.Cli.Tests.Doctor;

/// <summary><c>mtc doctor</c> against agents that are not ours: MTConnect.NET's quirks, a web server that is no agent, no server at all.</summary>
public sealed class DoctorQuirkTests
{
    [Fact]
    public async Task Doctor_reports_each_MTConnect_NET_quirk_of_an_agent_that_has_them()
    {
        await using var agent = new QuirkyAgent();
        var run = await DoctorRun.RunAsync(agent.Url);

        AgentBehaviour.Of("mtconnect.net", "1.3").AssertFoundBy(run);
        Assert.Equal(201, run.Fact("next-sequence", "nextSequence").GetInt64());
        Assert.Equal(5, run.Fact("next-sequence", "lastReturned").GetInt64());
        Assert.Equal("warn", run.Verdict("next-sequence"));
        Assert.Equal("warn", run.Verdict("idle-sample"));
        Assert.Equal("warn", run.Verdict("error-status"));
        Assert.Contains("Content-type", run.Finding("streaming").GetProperty("seen").GetString());
        Assert.Equal("warn", run.Verdict("agent-device"));
        Assert.Equal(new[] { "Agent" }, run.Fact("agent-device", "streamsOnly").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(1, run.Fact("devices", "machines").GetInt32());
        Assert.Equal(0, run.Fact("timestamps", "stepsBack").GetInt64());
        foreach (var name in new[] { "schema-probe", "schema-current", "schema-sample", "schema-error" })
        {
            Assert.True(run.Fact(name, "valid").GetBoolean(), run.Explain(name));
        }

        // Warnings only: the edge copes with every one of them.
        Assert.Equal(0, run.Cli.ExitCode);
        Assert.Equal("warn", run.Report.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task The_table_shows_each_finding_with_its_verdict_and_what_the_edge_does()
    {
        await using var agent = new QuirkyAgent();
        var run = await CliRun.RunAsync("doctor", agent.Url, "--duration", DoctorRun.Duration);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n');
        Assert.StartsWith($"mtc doctor {agent.Url}: warn", lines[0]);
        foreach (var name in new[] { "version", "devices", "agent-device", "buffer", "next-sequence", "error-status", "error-schema", "idle-sample", "streaming", "heartbeat", "timestamps", "schema-probe" })
        {
            Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var n, ..] && n == name);
        }

        Assert.Contains(lines, l => l.StartsWith("warn", StringComparison.Ordinal) && l.Contains("next-sequence", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("edge: the edge follows a full page", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_without_a_machine_whose_probe_is_invalid_fails_and_exits_1()
    {
        var probe = """
            <?xml version="1.0" encoding="UTF-8"?><MTConnectDevices xmlns="urn:mtconnect.org:MTConnectDevices:1.3"><Header creationTime="2024-01-01T00:00:00Z" sender="x" instanceId="1" version="1.3" bufferSize="10" assetBufferSize="1" assetCount="0"/><Devices/></MTConnectDevices>
            """;
        var current = """
            <?xml version="1.0" encoding="UTF-8"?><MTConnectStreams xmlns="urn:mtconnect.org:MTConnectStreams:1.3"><Header creationTime="2024-01-01T00:00:00Z" sender="x" instanceId="1" version="1.3" bufferSize="10" nextSequence="1" firstSequence="1" lastSequence="0"/><Streams/></MTConnectStreams>
            """;
        await using var agent = new AgentOnLoopback()
            .Serve("/probe", 200, "text/xml", Encoding.UTF8.GetBytes(probe))
            .Serve("/current", 200, "text/xml", Encoding.UTF8.GetBytes(current));
        var run = await DoctorRun.RunAsync(agent.BaseAddress.ToString());

        Assert.Equal(1, run.Cli.ExitCode);
        Assert.Equal("fail", run.Report.GetProperty("verdict").GetString());
        Assert.Equal("fail", run.Verdict("devices"));
        Assert.False(run.Fact("schema-probe", "valid").GetBoolean());
        Assert.Contains(run.Fact("schema-probe", "messages").EnumerateArray(), m => m.GetProperty("message").GetString()!.Contains("incomplete content", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_agent_exits_1_with_one_line()
    {
        var port = FreePort();
        var run = await CliRun.RunAsync("doctor", $"http://127.0.0.1:{port}/", "--duration", "2", "--timeout", "2");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"mtc doctor: cannot reach the agent at http://127.0.0.1:{port}/probe", line);
    }

    [Fact]
    public async Task A_web_server_that_is_not_an_agent_exits_1_with_one_line()
    {
        await using var web = new AgentOnLoopback().Serve("/probe", 200, "text/html", "<!DOCTYPE html><html><body>router login</body></html>"u8.ToArray());
        var run = await CliRun.RunAsync("doctor", web.BaseAddress.ToString(), "--duration", "2");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"mtc doctor: {web.BaseAddress}probe is not an MTConnect agent: it answered HTTP 200 text/html", line);
    }

    [Theory]
    [InlineData("doctor")]
    [InlineData("doctor", "not-a-url")]
    [InlineData("doctor", "ftp://agent/")]
    [InlineData("doctor", "http://127.0.0.1:1/", "--duration", "0")]
    [InlineData("doctor", "http://127.0.0.1:1/", "--duration", "soon")]
    [InlineData("doctor", "http://127.0.0.1:1/", "--timeout", "-1")]
    [InlineData("doctor", "http://127.0.0.1:1/", "--format", "xml")]
    public async Task Bad_usage_exits_2_with_one_line(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("mtc", Assert.Single(run.StderrLines));
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
