using Mtc.Cloud.Notifications;

namespace Mtc.Cloud.Bus;

/// <summary>
/// The broker sinks this process has configured: the notification worker makes a delivery per sink when it fans a
/// notification out, and wakes the sinks' workers when it did.
/// </summary>
internal sealed class BusSinks(IReadOnlyList<string> names)
{
    private readonly Dictionary<string, NotificationSignal> _signals = names.ToDictionary(n => n, _ => new NotificationSignal(), StringComparer.Ordinal);

    public IReadOnlyList<string> Names { get; } = names;

    public NotificationSignal Signal(string sink) => _signals[sink];

    public void NotifyAll()
    {
        foreach (var s in _signals.Values)
        {
            s.Notify();
        }
    }
}
