using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mtc.Cli.Tests.Inspect;

public sealed class InspectUrlTests
{
    [Fact]
    public async Task A_current_document_from_an_agent_url_is_summarised()
    {
        var file = CorpusFiles.PathOf("mtconnect.net/libraries/MTConnect.NET-JSON-cppagent/Examples/MTConnectStreamsResponseDocument.json");
        await using var agent = new AgentOnLoopback().Serve("/current", 200, "application/json", await File.ReadAllBytesAsync(file));

        var run = await CliRun.RunAsync("inspect", new Uri(agent.BaseAddress, "current").ToString());

        var json = run.Json();
        InspectDocumentTests.AssertCounts(CorpusFiles.CountJson(file), json);
        Assert.Equal(200, json.GetProperty("http").GetProperty("status").GetInt32());
        Assert.Equal("application/json", json.GetProperty("http").GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task A_streaming_sample_is_summarised_from_its_first_part_while_the_stream_stays_open()
    {
        var file = CorpusFiles.PathOf("ladder99/services/relay/examples/demo/sample.xml");
        var document = await File.ReadAllBytesAsync(file);
        var part = Encoding.ASCII.GetBytes($"--a8b9c0\r\nContent-type: text/xml\r\nContent-length: {document.Length}\r\n\r\n");
        await using var agent = new AgentOnLoopback().Stream("/sample?interval=1000", "multipart/x-mixed-replace;boundary=a8b9c0", [.. part, .. document, .. "\r\n"u8]);

        var run = await CliRun.RunAsync("inspect", new Uri(agent.BaseAddress, "sample?interval=1000").ToString());

        var json = run.Json();
        InspectDocumentTests.AssertCounts(XmlCounts.Count(file), json);
        Assert.True(json.GetProperty("http").GetProperty("multipart").GetBoolean());
    }

    [Fact]
    public async Task An_agent_that_stalls_inside_its_answer_exits_1_after_the_timeout()
    {
        await using var agent = new AgentOnLoopback().Stream("/current", "text/xml", "<MTConnectStreams>"u8.ToArray());
        var url = new Uri(agent.BaseAddress, "current").ToString();

        var run = await CliRun.RunAsync("inspect", url, "--timeout", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"{url}: no answer within 1 s", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task An_agent_answering_an_error_document_is_read_with_exit_0()
    {
        var body = await File.ReadAllBytesAsync(CorpusFiles.PathOf("json/errors-v1.json"));
        await using var agent = new AgentOnLoopback().Serve("/sample?from=1", 400, "application/json", body);

        var run = await CliRun.RunAsync("inspect", new Uri(agent.BaseAddress, "sample?from=1").ToString());

        var json = run.Json();
        Assert.Equal("error", json.GetProperty("kind").GetString());
        Assert.Equal(["OUT_OF_RANGE", "INVALID_REQUEST"], json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
        Assert.Equal(400, json.GetProperty("http").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_404_page_that_is_not_mtconnect_exits_1_with_one_line()
    {
        await using var agent = new AgentOnLoopback().Serve("/probe", 404, "text/html", Encoding.UTF8.GetBytes("<html><body><h1>404 Not Found</h1></body></html>"));
        var url = new Uri(agent.BaseAddress, "probe").ToString();

        var run = await CliRun.RunAsync("inspect", url);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"{url}: the agent answered HTTP 404 Not Found", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_200_answer_that_is_not_mtconnect_is_invalid_input()
    {
        await using var agent = new AgentOnLoopback().Serve("/current", 200, "application/json", "{\"status\": \"ok\"}"u8.ToArray());
        var url = new Uri(agent.BaseAddress, "current").ToString();

        var run = await CliRun.RunAsync("inspect", url);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not MTConnect", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_that_cannot_be_reached_exits_1()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var url = $"http://127.0.0.1:{port}/current";

        var run = await CliRun.RunAsync("inspect", url);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"{url}: cannot reach the agent", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
