using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Xunit.Abstractions;

namespace Mtc.Edge.Tests.EndToEnd;

/// <summary>
/// The cloud's production summary of a replayed real log equals <c>mtc analyze</c> over the same log: the okuma lathe's
/// log goes simulator → edge → cloud at 40× and the summary's seconds per status, utilization, parts and cycles, scaled back
/// by the replay speed, are what the offline analysis of the log says. The log is first written with the simulator's own
/// timing (pauses cut to 60 s, lines stamped before an earlier one at once), so both read the very same timeline.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class SummaryMatchesAnalyzeTests(ITestOutputHelper output)
{
    private const string Machine = "OKUMA";
    private const double Speed = 40;
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A line of a key no device has, this long before the log's first: the simulator waits lead-in / speed (15 s) before
    /// the first real line, so the edge is connected when it plays; the analysis and the agent both ignore the key.
    /// </summary>
    private static readonly TimeSpan LeadIn = TimeSpan.FromSeconds(600);
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData", "cppagent", "demo", "agent");

    [Fact]
    public async Task The_clouds_summary_of_a_replayed_real_log_equals_mtc_analyze_over_the_same_log()
    {
        await using var p = new Pipeline();
        var log = Path.Combine(Path.GetTempPath(), $"okuma-{Guid.NewGuid():N}.txt");
        try
        {
            var length = await WriteWithReplayTimingAsync(Path.Combine(Data, "okuma.txt.gz"), log);
            using var analysis = JsonDocument.Parse(await AnalyzeAsync(log));
            var expected = analysis.RootElement.GetProperty("machines")[0];

            await p.StartSimAsync("--devices", Path.Combine(Data, "Devices.xml"), "--shdr", log, "--device", Machine,
                "--speed", Speed.ToString(CultureInfo.InvariantCulture), "--max-gap", "3600");
            var replayStarted = DateTimeOffset.UtcNow;
            await p.StartCloudAsync();
            await p.StartEdgeAsync();
            await p.EdgeContinuedFromAsync();
            Assert.True(DateTimeOffset.UtcNow - replayStarted < LeadIn / Speed - TimeSpan.FromSeconds(2),
                "the edge connected after the log's first line played: its start is not in the cloud");
            await p.Sim!.WaitForAsync("End of ", (LeadIn + length) / Speed + Pipeline.StartTimeout);
            await p.WaitDeliveredThroughAsync(await p.SimLastSequenceAsync(), TimeSpan.FromSeconds(60));

            // The log's first line plays where the machine's first status from the log begins (before it, during the
            // lead-in, the machine is OFFLINE: the agent has no value for it yet); its last line length / speed later.
            var timeline = await p.CloudGetAsync($"/api/ext/machines/{Machine}/timeline?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z");
            var segments = timeline!.Value.GetProperty("items").EnumerateArray().ToList();
            var from = segments.Where(s => s.GetProperty("status").GetString() != "OFFLINE").Select(s => s.GetProperty("start").GetDateTimeOffset()).Min();
            // The range ends just after the last line (a range's end is exclusive; the log's last line counts a part).
            var to = from + length / Speed + TimeSpan.FromMilliseconds(1);
            var query = string.Create(CultureInfo.InvariantCulture,
                $"/api/ext/machines/{Machine}/summary?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
            var summary = (await p.CloudGetAsync(query))!.Value;
            output.WriteLine($"log spans {length.TotalSeconds:F3} s; segments {string.Join(", ", segments.Select(s => s.GetProperty("status").GetString() + "@" + s.GetProperty("start").GetString()))}");
            output.WriteLine($"analyze: {expected.GetProperty("statusSeconds")}\ncloud ×{Speed}: {summary.GetProperty("secondsByStatus")}");

            // Seconds per status: the cloud's, times the speed, are the log's to within a second of log time (25 ms of replay).
            var logSeconds = expected.GetProperty("statusSeconds").EnumerateObject().ToDictionary(s => s.Name, s => s.Value.GetDouble());
            var cloudSeconds = summary.GetProperty("secondsByStatus").EnumerateObject().ToDictionary(s => s.Name, s => s.Value.GetDouble() * Speed);
            foreach (var status in logSeconds.Keys.Union(cloudSeconds.Keys).Order(StringComparer.Ordinal))
            {
                var (want, got) = (logSeconds.GetValueOrDefault(status), cloudSeconds.GetValueOrDefault(status));
                Assert.True(Math.Abs(want - got) <= 1, $"{status}: mtc analyze {want:F3} s, the cloud {got:F3} s (×{Speed})");
            }
            Assert.True(logSeconds.GetValueOrDefault("ACTIVE") > 60, "the log has minutes of ACTIVE time");
            // Utilization is ACTIVE over the range: the analysis's over the whole log.
            var utilization = logSeconds.GetValueOrDefault("ACTIVE") / logSeconds.Values.Sum();
            Assert.Equal(utilization, summary.GetProperty("utilization").GetDouble(), 3);

            // Parts and cycles are counts: equal.
            Assert.Equal(expected.GetProperty("parts").GetInt64(), summary.GetProperty("parts").GetInt64());
            var cycles = expected.GetProperty("cycles").EnumerateArray().ToList();
            var completed = cycles.Where(c => c.GetProperty("completion").GetString() == "completed").ToList();
            Assert.True(completed.Count >= 3, $"the log has {completed.Count} completed cycles");
            var counts = summary.GetProperty("cycles");
            Assert.Equal(completed.Count, counts.GetProperty("completed").GetInt64());
            Assert.Equal(cycles.Count(c => c.GetProperty("completion").GetString() == "aborted"), counts.GetProperty("aborted").GetInt64());
            Assert.Equal(cycles.Count, counts.GetProperty("completed").GetInt64() + counts.GetProperty("aborted").GetInt64()
                + counts.GetProperty("partial").GetInt64() + counts.GetProperty("other").GetInt64());
            var durations = cycles.Select(c => c.GetProperty("durationSeconds").GetDouble()).ToList();
            Assert.Equal(durations.Average(), summary.GetProperty("meanCycleSeconds").GetDouble() * Speed, 1);
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> with each line stamped when the simulator plays it at speed 1 (pauses longer than
    /// <see cref="MaxGap"/> cut to it, a line stamped before one already seen at once); returns the time the log spans.
    /// </summary>
    private static async Task<TimeSpan> WriteWithReplayTimingAsync(string source, string target)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(source), CompressionMode.Decompress));
        await using var writer = new StreamWriter(target);
        DateTime? first = null, seen = null;
        var offset = TimeSpan.Zero;
        var stamped = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !DateTime.TryParse(line.AsSpan(0, bar), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
            {
                await writer.WriteLineAsync(line);
                continue;
            }
            if (seen is { } before)
            {
                var gap = at - before;
                offset += gap < TimeSpan.Zero ? TimeSpan.Zero : gap > MaxGap ? MaxGap : gap;
            }
            seen = seen is { } s && s > at ? s : at;
            if (first is null)
            {
                first = at;
                await writer.WriteLineAsync((at - LeadIn).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + "|lead_in|0");
            }
            stamped++;
            await writer.WriteLineAsync((first.Value + offset).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + line[bar..]);
        }
        Assert.True(stamped > 10_000, $"{stamped} stamped lines");
        return offset;
    }

    private static async Task<string> AnalyzeAsync(string log)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "mtc.dll"), "analyze", "--devices", Path.Combine(Data, "Devices.xml"),
            "--device", Machine, "--shdr", log, "--format", "json" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"mtc analyze exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
