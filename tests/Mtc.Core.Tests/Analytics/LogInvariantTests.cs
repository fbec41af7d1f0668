using Mtc.Core.Analytics;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Analytics;

/// <summary>
/// What must hold on every SHDR log in the test data, whatever its machine: the status seconds add up to the
/// time the live data spans and never to more than the log's time range, and nothing ends before it starts.
/// </summary>
public sealed class LogInvariantTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Every file under TestData whose first line is a timestamped SHDR line (simulator scripts start with a delay).</summary>
    public static TheoryData<string> ShdrLogs()
    {
        var root = RealLogs.Path();
        var logs = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (!(file.EndsWith(".txt", StringComparison.Ordinal) || file.EndsWith(".txt.gz", StringComparison.Ordinal) || file.EndsWith(".log", StringComparison.Ordinal))
                || file.EndsWith("MANIFEST.txt", StringComparison.Ordinal))
            {
                continue;
            }

            using var reader = RealLogs.Open(file);
            var first = reader.ReadLine() ?? "";
            if (first.Length > 10 && char.IsDigit(first[0]) && first[4] == '-' && first.IndexOf('|') > 10)
            {
                logs.Add(System.IO.Path.GetRelativePath(root, file));
            }
        }

        return logs;
    }

    [Fact]
    public void The_invariant_covers_every_SHDR_log_in_the_test_data()
    {
        var logs = ((IEnumerable<object[]>)ShdrLogs()).Select(row => (string)row[0]).ToList();
        Assert.True(logs.Count >= 7, string.Join(", ", logs));
        Assert.Contains(logs, l => l.Contains("Mazak01-20170622", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("okuma", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ShdrLogs))]
    public void Status_seconds_add_up_to_the_live_span_and_no_event_ends_before_it_starts(string log)
    {
        var device = DeviceFor(log);
        var observations = RealLogs.Observations(RealLogs.Lines(RealLogs.Path(log)), device);
        Assert.NotEmpty(observations);
        var run = RealLogs.Analyze(observations, device);

        var span = Span.Of(observations);
        var statusSeconds = run.Statuses.Sum(s => s.Seconds);
        Assert.Equal(run.Analyzer.Snapshot().SpanSeconds, statusSeconds, 3);
        Assert.Equal(statusSeconds, run.Analyzer.StatusSeconds().Values.Sum(), 3);
        Assert.Equal(span.Live.TotalSeconds, statusSeconds, 3);
        if (!span.StepsBack)
        {
            Assert.True(statusSeconds <= span.Range.TotalSeconds + 1e-3, $"{statusSeconds} s of status in a log whose times range over {span.Range.TotalSeconds} s");
        }

        foreach (var e in run.Events)
        {
            Assert.True(e.End >= e.Start, $"{e.Id} ends at {e.End:O}, before it starts at {e.Start:O}");
        }

        foreach (var cycle in run.Cycles)
        {
            Assert.InRange(cycle.ActiveSeconds, 0, cycle.DurationSeconds + 1e-6);
            if (!span.StepsBack)
            {
                Assert.True(cycle.DurationSeconds <= (cycle.End!.Value - cycle.Start).TotalSeconds + 1e-3, $"{cycle.Id} lasts {cycle.DurationSeconds} s between {cycle.Start:O} and {cycle.End:O}");
            }
        }
    }

    /// <summary>
    /// The times of a log's observations. Live data starts at the first live (not UNAVAILABLE) value that the
    /// stream goes on from (its next later timestamp within an hour; earlier ones are last-known values stamped when
    /// they last changed) and ends at the latest timestamp. It steps back when a live value comes more than a minute
    /// behind the latest time, or an UNAVAILABLE one more than ten minutes behind: another recording joined on, whose
    /// span counts from where it starts (the okuma log is four recordings whose times overlap).
    /// </summary>
    private sealed record Span(TimeSpan Range, TimeSpan Live, bool StepsBack)
    {
        public static Span Of(IReadOnlyList<Observation> observations)
        {
            var times = observations.Select(o => o.Timestamp).Where(t => t != default).ToList();
            var liveStart = DateTime.MaxValue;
            var liveAt = -1;
            for (var i = 0; i < observations.Count && liveAt < 0; i++)
            {
                var o = observations[i];
                if (o.IsUnavailable || o.Timestamp == default)
                {
                    continue;
                }

                var next = observations.Skip(i + 1).Select(n => n.Timestamp).FirstOrDefault(t => t > o.Timestamp);
                if (next == default || next - o.Timestamp <= Hour)
                {
                    liveStart = o.Timestamp;
                    liveAt = i;
                }
            }

            if (liveAt < 0)
            {
                return new Span(times.Max() - times.Min(), TimeSpan.Zero, false);
            }

            var (start, latest) = (liveStart, liveStart);
            var live = TimeSpan.Zero;
            var stepsBack = false;
            foreach (var o in observations.Skip(liveAt))
            {
                if (o.Timestamp == default)
                {
                    continue;
                }

                if (latest - o.Timestamp > (o.IsUnavailable ? TimeSpan.FromMinutes(10) : TimeSpan.FromMinutes(1)))
                {
                    stepsBack = true;
                    live += latest - start;
                    (start, latest) = (o.Timestamp, o.Timestamp);
                }

                latest = o.Timestamp > latest ? o.Timestamp : latest;
            }

            return new Span(times.Max() - times.Min(), live + (latest - start), stepsBack);
        }
    }

    /// <summary>The device a log belongs to: a NIST log's folder names it; otherwise the device model beside the log.</summary>
    private static Device DeviceFor(string log)
    {
        var parts = log.Split(System.IO.Path.DirectorySeparatorChar);
        if (parts[0] == "nist-smstestbed")
        {
            return RealLogs.Device(RealLogs.NistDevices, parts[^2]);
        }

        var directory = System.IO.Path.GetDirectoryName(RealLogs.Path(log))!;
        var name = System.IO.Path.GetFileName(log).Split('.')[0];
        var model = File.Exists(System.IO.Path.Combine(directory, name + ".xml"))
            ? System.IO.Path.Combine(directory, name + ".xml")
            : System.IO.Path.Combine(directory, "Devices.xml");
        using var file = File.OpenRead(model);
        var devices = MtConnectXml.ReadDevices(file).Devices;
        return devices.Count == 1
            ? devices[0]
            : devices.Single(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
