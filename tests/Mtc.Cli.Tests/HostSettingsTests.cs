using System.Net;
using System.Net.Sockets;

namespace Mtc.Cli.Tests;

/// <summary>
/// The hosts refuse what they cannot run with in one line: an unknown option or setting and a bad value exit 2 naming
/// it (before any database is touched), an address already in use exits 1 saying so.
/// </summary>
public sealed class HostSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mtc-cli-hosts-").FullName;

    private string Db => "sqlite:" + Path.Combine(_dir, "cloud.db");

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MtcCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("cloud", "--Cloud:RateLimitPerSecnd=50", "unknown setting Cloud:RateLimitPerSecnd")]
    [InlineData("cloud", "--Cloud:Worker:Enabeld=false", "unknown setting Cloud:Worker:Enabeld")]
    [InlineData("cloud", "--Alerts:Evaluation=5", "unknown setting Alerts:Evaluation")]
    [InlineData("cloud", "--verbose", "unknown option --verbose")]
    [InlineData("cloud", "--Cloud:RateLimitPerSecond=fast", "Cloud:RateLimitPerSecond: 'fast' is not a whole number")]
    [InlineData("cloud", "--Cloud:Webhooks:AllowPrivateNetworks=maybe", "Cloud:Webhooks:AllowPrivateNetworks: 'maybe' is not true or false")]
    [InlineData("cloud", "--log-format=xml", "--log-format 'xml' is not a log format (simple or json)")]
    [InlineData("worker", "--Cloud:Webhooks:TimeoutSecond=5", "unknown setting Cloud:Webhooks:TimeoutSecond")]
    [InlineData("worker", "--db-url", "unknown option --db-url")]
    public async Task A_bad_option_or_setting_exits_2_with_one_line_naming_it(string command, string argument, string message)
    {
        var (code, output, error) = await RunAsync(command, "--db", Db, "--urls", "http://127.0.0.1:0", argument);
        Assert.Equal(2, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"mtc {command}: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "cloud.db")), "the database was opened before the settings were checked");
    }

    [Theory]
    [InlineData("Entity")]
    [InlineData("foo")]
    public async Task An_mqtt_source_with_an_unknown_topic_layout_exits_2_naming_the_setting_and_the_layouts(string topics)
    {
        var config = Path.Combine(_dir, "edge.json");
        await File.WriteAllTextAsync(config, """{"Edge":{"Id":"e1","DataDirectory":"data","Http":{"Urls":"http://127.0.0.1:0"},"Mqtt":[{"Host":"127.0.0.1","Topics":"TOPICS"}]}}"""
            .Replace("TOPICS", topics, StringComparison.Ordinal));
        var (code, output, error) = await RunAsync("edge", "--config", config);
        Assert.Equal(2, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"mtc edge: Edge:Mqtt:0:Topics '{topics}' must be Documents (cppagent's MQTT sink) or Entities (its MQTT entity sink).", line.TrimEnd('\r'));
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")), "the outbox was opened before the settings were checked");
    }

    [Theory]
    [InlineData("cloud")]
    [InlineData("worker")]
    [InlineData("edge")]
    public async Task An_address_in_use_exits_1_saying_so(string command)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        string[] args;
        if (command == "edge")
        {
            var config = Path.Combine(_dir, "edge.json");
            await File.WriteAllTextAsync(config, """{"Edge":{"Id":"e1","DataDirectory":"data","Http":{"Urls":"URL"}}}""".Replace("URL", url, StringComparison.Ordinal));
            args = ["edge", "--config", config];
        }
        else
        {
            args = [command, "--db", Db, "--urls", url];
        }
        var (code, _, error) = await RunAsync(args);
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"mtc {command}: {url} is already in use: another process listens there. Stop it, or choose another address with "
            + (command == "edge" ? "Edge:Http:Urls." : "--urls or PORT."), line);
        Assert.DoesNotContain("database", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mtc_health_exits_1_when_nothing_answers_and_2_for_a_url_it_cannot_ask()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var (code, output, error) = await RunAsync("health", $"http://127.0.0.1:{port}/health/live", "--timeout", "2");
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith($"mtc health: http://127.0.0.1:{port}/health/live: ", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        (code, _, error) = await RunAsync("health", "ftp://example.com/");
        Assert.Equal(2, code);
        Assert.Contains("is not an http(s) URL", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
