using Mtc.Edge.Uplink;

namespace Mtc.Edge.Collectors;

/// <summary>
/// When a collector may try its source again. Every reconnect (a failure, or a stream the source ended) waits with
/// exponential backoff; the backoff starts over only once the source has delivered data for <see cref="HealthyAfter"/>
/// without a break, never because a connect or a probe succeeded: a source that answers the probe and then fails,
/// or ends every stream at once, is tried less and less often instead of hundreds of times a second.
/// </summary>
internal sealed class ReconnectPolicy(TimeProvider time)
{
    public static readonly TimeSpan HealthyAfter = TimeSpan.FromSeconds(30);

    private readonly Backoff _backoff = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));
    private DateTimeOffset? _deliveringSince;

    /// <summary>Reconnects since the source was last healthy.</summary>
    public int Failures => _backoff.Failures;

    /// <summary>The source delivered data (a valid document, a valid line).</summary>
    public void Delivered()
    {
        var now = time.GetUtcNow();
        _deliveringSince ??= now;
        if (now - _deliveringSince >= HealthyAfter)
        {
            _backoff.Reset();
        }
    }

    /// <summary>The connection ended (for whatever reason): the wait before the next attempt.</summary>
    public TimeSpan Next()
    {
        _deliveringSince = null;
        return _backoff.Next();
    }
}
