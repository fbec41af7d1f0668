using System.Diagnostics;
using System.Net;
using Mtc.Core;
using Mtc.Core.Model;
using Mtc.Core.Multipart;

namespace Mtc.Cli.Commands.Doctor.Checks;

/// <summary>What one streaming <c>sample?interval=..&amp;heartbeat=..</c> delivered within a time window.</summary>
internal sealed class StreamCapture
{
    /// <summary>Observations kept from the parts for the timestamp checks.</summary>
    private const int MaxKeptObservations = 200_000;

    public required string Request { get; init; }
    public TimeSpan Heartbeat { get; init; }
    public TimeSpan Interval { get; init; }
    public int Status { get; private set; }
    public string? ContentType { get; private set; }
    public string? Boundary { get; private set; }

    /// <summary>Why nothing was streamed: no answer in time, or not a multipart answer (then <see cref="Single"/>).</summary>
    public string? NotStreaming { get; private set; }
    public MtConnectDocument? Single { get; private set; }
    public string? FramingError { get; private set; }
    public string? PartError { get; private set; }
    public int Parts { get; private set; }
    public int UnreadableParts { get; private set; }
    public int Heartbeats { get; private set; }
    public int PartsWithoutLength { get; private set; }
    public SortedSet<string> HeaderNames { get; } = new(StringComparer.Ordinal);
    public int BomsBetweenParts { get; private set; }
    public int BomsAtPartStart { get; private set; }
    public TimeSpan? FirstPart { get; private set; }
    public TimeSpan MaxSilence { get; private set; }
    public TimeSpan Listened { get; private set; }
    public bool EndedByAgent { get; private set; }
    public bool HitByteLimit { get; private set; }
    public long Bytes { get; private set; }
    public List<(StreamsDocument Document, DateTime Received)> Documents { get; } = [];
    public TimestampText Timestamps { get; } = new();

    public static async Task<StreamCapture> RunAsync(AgentHttp http, string request, TimeSpan interval, TimeSpan heartbeat, TimeSpan window, CancellationToken cancellationToken)
    {
        var capture = new StreamCapture { Request = request, Interval = interval, Heartbeat = heartbeat };
        using var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.All };
        using var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(window);
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        using (var headers = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
        {
            // An agent may send its headers only with the first part, up to a heartbeat after the request.
            headers.CancelAfter(http.Timeout + heartbeat);
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, http.Resolve(request));
                message.Headers.Accept.ParseAdd("application/xml");
                response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                capture.NotStreaming = "the request failed: " + ex.Message;
                return capture;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                capture.NotStreaming = $"no answer within {Math.Min((http.Timeout + heartbeat).TotalSeconds, window.TotalSeconds):0.#} s";
                return capture;
            }
        }

        using (response)
        {
            capture.Status = (int)response.StatusCode;
            capture.ContentType = response.Content.Headers.ContentType?.ToString();
            if (!MultipartBoundary.TryParse(capture.ContentType, out var boundary))
            {
                await capture.ReadSingleAsync(response, deadline.Token, cancellationToken).ConfigureAwait(false);
                return capture;
            }

            capture.Boundary = boundary;
            var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            await using var tap = new StreamTap(body, ParserLimits.Default.MaxDocumentBytes);
            await capture.ReadPartsAsync(tap, watch, deadline.Token, cancellationToken).ConfigureAwait(false);
            capture.Listened = watch.Elapsed;
            capture.Bytes = tap.BytesRead;
            capture.HitByteLimit = tap.HitLimit;
        }

        return capture;
    }

    private async Task ReadSingleAsync(HttpResponseMessage response, CancellationToken deadline, CancellationToken cancellationToken)
    {
        NotStreaming = $"the answer is HTTP {Status} {ContentType ?? "without a content type"}, not multipart";
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(deadline).ConfigureAwait(false);
            Single = await MtConnectDocumentReader.ReadAsync(body, cancellationToken: deadline).ConfigureAwait(false);
            if (Single is ErrorDocument error)
            {
                NotStreaming += $" ({string.Join(", ", error.Errors.Select(e => e.Code))})";
            }
        }
        catch (Exception ex) when (ex is MtConnectFormatException or HttpRequestException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The answer says enough; its body is only a detail.
        }
    }

    private async Task ReadPartsAsync(StreamTap tap, Stopwatch watch, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var ranges = new List<(long Start, long End)>();
        await using var reader = new MultipartDocumentReader(tap, ContentType!);
        var last = TimeSpan.Zero;
        var kept = 0;
        try
        {
            while (await reader.ReadNextAsync(deadline).ConfigureAwait(false) is { } part)
            {
                var now = watch.Elapsed;
                if (FirstPart is null)
                {
                    FirstPart = now;
                }
                else
                {
                    MaxSilence = Max(MaxSilence, now - last);
                }

                last = now;
                Parts++;
                ranges.Add((part.Offset, part.Offset + part.Body.Length));
                HeaderNames.UnionWith(part.Headers.Keys);
                PartsWithoutLength += part.HadContentLength ? 0 : 1;
                kept += Read(part, kept);
            }

            EndedByAgent = true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The window is over: the normal end.
        }
        catch (MtConnectFormatException ex)
        {
            FramingError = ex.Message;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            EndedByAgent = true;
            FramingError = tap.HitLimit ? null : "the stream broke: " + ex.Message;
        }

        if (FirstPart is not null)
        {
            MaxSilence = Max(MaxSilence, watch.Elapsed - last);
        }

        foreach (var bom in tap.BomOffsets)
        {
            var index = Containing(ranges, bom);
            if (index < 0)
            {
                BomsBetweenParts++;
            }
            else if (bom == ranges[index].Start)
            {
                BomsAtPartStart++;
            }
        }
    }

    /// <summary>The part whose body holds <paramref name="offset"/> (parts come in stream order), or -1.</summary>
    private static int Containing(List<(long Start, long End)> ranges, long offset)
    {
        int lo = 0, hi = ranges.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ranges[mid].Start > offset)
            {
                hi = mid - 1;
            }
            else if (offset >= ranges[mid].End)
            {
                lo = mid + 1;
            }
            else
            {
                return mid;
            }
        }

        return -1;
    }

    private int Read(MultipartPart part, int kept)
    {
        try
        {
            switch (MtConnectDocumentReader.Read(part.Body))
            {
                case StreamsDocument streams:
                    var n = streams.Streams.Sum(s => s.Observations.Count);
                    Heartbeats += n == 0 ? 1 : 0;
                    if (n > 0 && kept + n <= MaxKeptObservations)
                    {
                        Timestamps.Scan(part.Body.Span);
                        Documents.Add((streams, DateTime.UtcNow));
                        return n;
                    }

                    return 0;
                case var other:
                    PartError ??= $"part {part.Index} is a {other.Kind.ToString().ToLowerInvariant()} document";
                    return 0;
            }
        }
        catch (MtConnectFormatException ex)
        {
            UnreadableParts++;
            PartError ??= $"part {part.Index}: {ex.Message}";
            return 0;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
