using System.Globalization;
using Mtc.Cli.Commands.Doctor.Checks;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Doctor;

/// <summary>What <c>mtc doctor</c> was asked to do.</summary>
/// <param name="Duration">The whole run; most of it is spent listening to the stream and measuring the rate.</param>
/// <param name="Timeout">Longest wait for one answer.</param>
internal sealed record DoctorSettings(Uri Agent, TimeSpan Duration, TimeSpan Timeout)
{
    /// <summary>The edge's default streaming interval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>The edge's default heartbeat; a short run asks for a shorter one so that several fit in it.</summary>
    public static readonly TimeSpan EdgeHeartbeat = TimeSpan.FromSeconds(10);
}

/// <summary>The findings about one agent and how long it took to find them.</summary>
internal sealed record DoctorReport(string Agent, TimeSpan Took, IReadOnlyList<Finding> Findings)
{
    public Verdict Verdict => Findings.Count == 0 ? Verdict.Ok : Findings.Max(f => f.Verdict);
}

/// <summary>
/// Examines an agent as the edge will meet it: probe and current first (the agent must answer them, or the run stops),
/// then the sequence and error requests, then its stream for most of the run, then current again for the rate, and last
/// the schema validation of what it served.
/// </summary>
internal sealed class AgentDoctor(DoctorSettings settings)
{
    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(3);
    private readonly AgentHttp _http = new(settings.Agent, settings.Timeout);

    public async Task<DoctorReport> RunAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var probeAnswer = await _http.GetAsync("probe", cancellationToken).ConfigureAwait(false);
        var probe = RequireProbe(probeAnswer);
        var findings = new List<Finding> { ModelChecks.Version(probe, probeAnswer), ModelChecks.Devices(probe) };

        var currentAnswer = await _http.GetAsync("current", cancellationToken).ConfigureAwait(false);
        if (currentAnswer.Document is not StreamsDocument current)
        {
            findings.Add(Finding.Fail("current", $"current answered {SequenceChecks.Describe(currentAnswer)}",
                "the edge starts every collection with current: it cannot collect from this agent"));
            findings.Add(SchemaValidation.Check("schema-probe", "probe", probeAnswer));
            return new DoctorReport(settings.Agent.ToString(), clock.Elapsed, findings);
        }

        findings.Add(ModelChecks.AgentDevice(probe, current));
        var page = await _http.GetAsync(SequenceChecks.PageRequest(current), cancellationToken).ConfigureAwait(false);
        findings.Add(SequenceChecks.NextSequence(current, page));

        var errors = new List<AgentAnswer>();
        foreach (var request in ErrorChecks.Requests(current))
        {
            errors.Add(await _http.GetAsync(request, cancellationToken).ConfigureAwait(false));
        }

        findings.Add(ErrorChecks.Status(errors));
        findings.Add(ErrorChecks.Schema(probe.Version, errors));

        var latest = await _http.GetAsync("current", cancellationToken).ConfigureAwait(false);
        var next = (latest.Document as StreamsDocument ?? current).Header.NextSequence ?? 0;
        findings.Add(SequenceChecks.Idle(await _http.GetAsync(Invariant($"sample?from={next}"), cancellationToken).ConfigureAwait(false)));

        var recentFrom = Math.Max(current.Header.FirstSequence ?? 1, next - 1000);
        var recent = await _http.GetAsync(Invariant($"sample?from={recentFrom}&count=1000"), cancellationToken).ConfigureAwait(false);

        // Most of the run: the stream, from where the agent is now; at least long enough for three 1 s heartbeats.
        var window = settings.Duration - clock.Elapsed - TimeSpan.FromMilliseconds(300);
        if (window < MinimumWindow)
        {
            window = MinimumWindow;
        }

        var heartbeat = TimeSpan.FromMilliseconds(Math.Clamp(window.TotalMilliseconds / 3, 1000, DoctorSettings.EdgeHeartbeat.TotalMilliseconds));
        var streamRequest = Invariant($"sample?from={next}&count=1000&interval={(long)DoctorSettings.Interval.TotalMilliseconds}&heartbeat={(long)heartbeat.TotalMilliseconds}");
        var capture = await StreamCapture.RunAsync(_http, streamRequest, DoctorSettings.Interval, heartbeat, window, cancellationToken).ConfigureAwait(false);
        findings.Add(StreamingChecks.Framing(capture));
        findings.Add(StreamingChecks.Heartbeat(capture));

        var endAnswer = await _http.GetAsync("current", cancellationToken).ConfigureAwait(false);
        findings.Add(BufferCheck.Check(current, currentAnswer.ReceivedAt, endAnswer.Document as StreamsDocument, endAnswer.ReceivedAt));

        var text = new TimestampText();
        var pages = new List<(StreamsDocument, DateTime)>();
        text.Scan(currentAnswer.Bytes);
        if (recent.Document is StreamsDocument recentPage)
        {
            text.Scan(recent.Bytes);
            pages.Add((recentPage, recent.ReceivedAt));
        }

        text.Add(capture.Timestamps);
        pages.AddRange(capture.Documents);
        findings.Add(ClockChecks.Timestamps(text, pages, [(current, currentAnswer.ReceivedAt)]));

        findings.Add(SchemaValidation.Check("schema-probe", "probe", probeAnswer));
        findings.Add(SchemaValidation.Check("schema-current", "current", currentAnswer));
        findings.Add(SchemaValidation.Check("schema-sample", "sample", recent.Document is StreamsDocument ? recent : page));
        findings.Add(SchemaValidation.Check("schema-error", "error", errors.FirstOrDefault(e => e.Document is ErrorDocument)));
        return new DoctorReport(settings.Agent.ToString(), clock.Elapsed, findings);
    }

    private DevicesDocument RequireProbe(AgentAnswer answer)
    {
        var url = _http.Resolve("probe");
        return answer switch
        {
            { Failure: { } failure } => throw new DoctorException($"cannot reach the agent at {url}: {failure}"),
            { Document: DevicesDocument devices } => devices,
            { Document: ErrorDocument error } => throw new DoctorException(
                $"{url} answered HTTP {answer.Status} with an MTConnect error, not a device model: {string.Join("; ", error.Errors.Select(e => $"{e.Code} {e.Message}"))}"),
            { Document: { } other } => throw new DoctorException($"{url} answered a {other.Kind.ToString().ToLowerInvariant()} document, not a device model"),
            _ => throw new DoctorException($"{url} is not an MTConnect agent: it answered {answer.Http}, not an MTConnect document ({answer.ParseError})"),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
