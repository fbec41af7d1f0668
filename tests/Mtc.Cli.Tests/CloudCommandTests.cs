using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mtc.Cli.Tests;

public sealed partial class CloudCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mtc-cli-cloud-").FullName;

    private string Db => "sqlite:" + Path.Combine(_dir, "cloud.db");

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MtcCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Keys_create_prints_the_key_alone_and_list_and_revoke_manage_it()
    {
        var (code, output, error) = await RunAsync("keys", "create", "--db", Db, "--tenant", "acme", "--scopes", "edge:ingest,ext:read", "--name", "line 1");
        Assert.Equal(0, code);
        var key = output.TrimEnd('\n');
        Assert.Matches(KeyShape(), key);
        Assert.Contains("acme", error, StringComparison.Ordinal);
        var id = key.Split('_')[1];

        (code, output, _) = await RunAsync("keys", "list", "--db", Db);
        Assert.Equal(0, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        Assert.Equal([id, "acme", "line 1", "edge:ingest,ext:read"], line.Split('\t')[..4]);
        Assert.Equal("-", line.Split('\t')[5]);
        Assert.DoesNotContain(key.Split('_', 3)[2], output, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("keys", "revoke", "--db", Db, id)).Code);
        Assert.Equal(1, (await RunAsync("keys", "revoke", "--db", Db, id)).Code);
        (_, output, _) = await RunAsync("keys", "list", "--db", Db, "--tenant", "acme");
        Assert.NotEqual("-", output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split('\t')[5]);
    }

    [Theory]
    [InlineData("--scopes", "edge:ingest,root", "Unknown scope 'root'")]
    [InlineData("--tenant", "bad tenant!", "not a tenant id")]
    public async Task Bad_key_settings_exit_2_with_one_line(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--tenant"] = "acme", ["--scopes"] = "ext:read", [option] = value };
        var (code, output, error) = await RunAsync(["keys", "create", "--db", Db, .. args.SelectMany(a => new[] { a.Key, a.Value })]);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--Cloud:Bus:Nats:Enabled=true", "--Cloud:Bus:Nats:Stream=a.b", "Cloud:Bus:Nats:Stream may hold")]
    [InlineData("--Cloud:Bus:Nats:Enabled=true", "--Cloud:Bus:Nats:Url=http://nats", "Cloud:Bus:Nats:Url must be")]
    [InlineData("--Cloud:Bus:Mqtt:Enabled=true", "--Cloud:Bus:Mqtt:Qos=0", "Qos")]
    public async Task Bad_bus_settings_stop_mtc_cloud_with_exit_2_and_one_line(string enable, string setting, string message)
    {
        var (code, _, error) = await RunAsync("cloud", "--db", Db, enable, setting);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Db_migrate_applies_once_and_refuses_a_bad_database()
    {
        var first = await RunAsync("db", "migrate", "--db", Db);
        Assert.Equal(0, first.Code);
        Assert.Contains("applied migrations 1", first.Err, StringComparison.Ordinal);
        Assert.Contains("up to date", (await RunAsync("db", "migrate", "--db", Db)).Err, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("db", "migrate", "--db", "sqlite::memory:")).Code);
        Assert.Equal(2, (await RunAsync("db", "migrate", "--db", "mysql://x")).Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("json")]
    public async Task Mtc_cloud_runs_as_a_process_on_PORT_and_takes_a_batch(string? logFormat)
    {
        var key = (await RunAsync("keys", "create", "--db", Db, "--tenant", "acme", "--scopes", "edge:ingest,ext:read")).Out.Trim();
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "mtc.dll"), "cloud", "--db", Db }.Concat(logFormat is null ? [] : ["--log-format", logFormat]))
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                try
                {
                    using var health = await client.GetAsync("/api/ext/health");
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                }
                Assert.False(process.HasExited, "mtc cloud exited: " + log);
                Assert.True(DateTime.UtcNow < deadline, "mtc cloud did not answer: " + log);
                await Task.Delay(200);
            }
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            const string batch = """
                {"edgeId":"plant-1","streamId":"s1","fromSeq":1,"toSeq":1,"records":[{"kind":"observation","seq":1,"machineId":"m1",
                 "dataItemId":"exec","type":"EXECUTION","timestamp":"2026-11-27T08:00:00Z","value":"ACTIVE"}]}
                """;
            using var posted = await client.PostAsync("/api/ext/data", new StringContent(batch, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            Assert.Equal(1, JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("hwm").GetInt64());
            var state = JsonDocument.Parse(await client.GetStringAsync("/api/ext/machines/m1")).RootElement;
            Assert.Equal("ACTIVE", state.GetProperty("status").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        string[] lines;
        lock (log)
        {
            lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        Assert.Contains(lines, l => l.Contains("Now listening on", StringComparison.Ordinal));
        // Every line has the date and time (UTC); the requests made above wrote no line of their own.
        foreach (var line in lines)
        {
            if (logFormat == "json")
            {
                var entry = JsonDocument.Parse(line).RootElement;
                Assert.Matches(UtcTime(), entry.GetProperty("Timestamp").GetString()!);
                Assert.True(entry.TryGetProperty("Message", out _), line);
            }
            else
            {
                Assert.Matches(SimpleLine(), line);
            }
            Assert.DoesNotContain("Request starting", line, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex SimpleLine();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")]
    private static partial Regex UtcTime();

    [GeneratedRegex("^mtc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyShape();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
