namespace Mtc.Cloud.Notifications;

/// <summary>
/// Wakes this process's worker when this process wrote work (a notification, a redelivery), so it need not wait for its
/// next poll. Other processes' writes are found by polling.
/// </summary>
internal sealed class NotificationSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every write before it.
        }
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _pending.WaitAsync(timeout, ct);
}
