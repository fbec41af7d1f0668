using System.Globalization;
using Mtc.Core.Analytics;

namespace Mtc.Core.Tests.Analytics;

/// <summary>
/// The okuma log played faster, as the simulator serves it at <c>--speed 40 --max-gap 60</c>: the rules must find the
/// same cycles whether a log interval is a second or 25 ms, and whether a recording stamped before the previous one
/// arrives spread over its own times or all at once.
/// </summary>
public sealed class CompressedReplayTests
{
    private const double Speed = 40;
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(60);
    private static readonly DateTime ReplayStart = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string> Replays => ["compressed", "replayed"];

    [Theory]
    [MemberData(nameof(Replays))]
    public void The_okuma_log_at_40x_derives_the_same_completed_cycles_as_the_original_not_2_of_4(string replay)
    {
        var device = RealLogs.Device(RealLogs.OkumaDevices, "OKUMA");
        var lines = RealLogs.Lines(RealLogs.OkumaLog);
        var original = RealLogs.Analyze(RealLogs.Observations(lines, device), device).Cycles;
        var fast = RealLogs.Analyze(RealLogs.Observations(Restamp(lines, replay == "replayed"), device), device).Cycles;

        static List<(string? Program, long Parts)> Shape(IEnumerable<MachineCycle> cycles) =>
            cycles.Where(c => c.Completion == CycleCompletion.Completed).Select(c => (c.Program, c.Parts)).ToList();

        Assert.Equal(4, Shape(original).Count);
        Assert.Equal(Shape(original), Shape(fast));
    }

    /// <summary>
    /// Each line's timestamp moved to <see cref="ReplayStart"/> plus its offset into the log divided by <see cref="Speed"/>.
    /// Compressed: the offset is the plain time since the first line (steps back stay, 40x smaller). Replayed, as the
    /// simulator does: pauses count up to <see cref="MaxGap"/>, and a line stamped before one already seen plays at once.
    /// </summary>
    private static List<string> Restamp(List<string> lines, bool replayed)
    {
        var result = new List<string>(lines.Count);
        DateTime? first = null, latest = null;
        var offset = TimeSpan.Zero;
        foreach (var line in lines)
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !DateTime.TryParse(line[..bar], CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            {
                result.Add(line); // asset bodies
                continue;
            }

            first ??= time;
            if (latest is { } seen)
            {
                var gap = time - seen;
                offset += gap < TimeSpan.Zero ? TimeSpan.Zero : gap > MaxGap ? MaxGap : gap;
            }

            latest = latest is { } before && before > time ? before : time;
            var at = ReplayStart + ((replayed ? offset : time - first.Value) / Speed);
            result.Add(at.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + line[bar..]);
        }

        return result;
    }
}
