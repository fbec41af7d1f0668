using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Mtc.Core;
using Mtc.Core.Model;
using Mtc.Core.Shdr;
using Mtc.Core.Xml;
using Mtc.Edge.Analytics;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;
using Mtc.Edge.Uplink;

namespace Mtc.Edge.Collectors;

/// <summary>
/// The edge as the agent of one SHDR adapter: connects (and reconnects with backoff), answers <c>* PING</c> with
/// <c>* PONG</c> and pings the adapter itself, reassembles lines split across reads, maps keys to the device's data items,
/// numbers the observations itself (the numbering survives restarts: it is the stored cursor), and records every data
/// item UNAVAILABLE when the adapter has stayed away for <see cref="AdapterSourceOptions.UnavailableAfter"/>, stamped with
/// the time it went away: an adapter that flaps writes one such set, not one per disconnect.
/// </summary>
internal sealed class ShdrCollector
{
    private readonly AdapterSourceOptions _options;
    private readonly OutboxStore _outbox;
    private readonly EdgeMetrics _metrics;
    private readonly EdgeState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SourceState _source;
    private readonly Device _device;
    private readonly IReadOnlyList<DataItem> _items;
    private readonly DeviceShdrKeyResolver _keys;
    private readonly HashSet<string> _deviceNames = new(StringComparer.Ordinal);
    private readonly string _machineId;
    private readonly string _devicesText;
    private readonly ParserLimits _limits;
    private readonly ReconnectPolicy _reconnect;
    private SourceAnalytics _analytics = new(null);
    private string _instance = "";
    private long _next;

    /// <summary>When the adapter went away with its data items not yet recorded UNAVAILABLE (null while it delivers data).</summary>
    private DateTimeOffset? _lostAt;
    private bool _unavailableRecorded;

    public ShdrCollector(AdapterSourceOptions options, OutboxStore outbox, EdgeState state, EdgeMetrics metrics, TimeProvider time, ILogger log, ParserLimits? limits = null)
    {
        _limits = limits ?? ParserLimits.Default;
        _reconnect = new ReconnectPolicy(time);
        _options = options;
        _outbox = outbox;
        _metrics = metrics;
        _state = state;
        _time = time;
        _log = log;
        var address = string.Create(CultureInfo.InvariantCulture, $"{options.Host}:{options.Port}");
        _source = state.Source("adapter:" + address, "adapter", address);
        _source.SilenceLimit = options.Timeout;
        (var device, _devicesText) = ResolveDevice(options);
        _device = device;
        _items = [.. device.AllDataItems()];
        _keys = new DeviceShdrKeyResolver(device);
        foreach (var name in new[] { device.Name, device.Uuid, device.Id })
        {
            if (!string.IsNullOrEmpty(name))
            {
                _deviceNames.Add(name);
            }
        }
        _machineId = device.Name ?? device.Uuid ?? "device";
        state.SetMachine(new SetupMachine(_machineId, device.Name, device.Uuid));
    }

    public string Key => _source.Key;

    /// <summary>The adapter's device in its Devices.xml; a configuration error when the file or the device is wrong.</summary>
    public static (Device Device, string Text) ResolveDevice(AdapterSourceOptions options)
    {
        string text;
        List<Device> devices;
        try
        {
            text = File.ReadAllText(options.Devices);
            devices = [.. MtConnectXml.ReadDevices(Encoding.UTF8.GetBytes(text)).Devices.Where(d => !d.IsAgent)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.MtConnectFormatException)
        {
            throw new EdgeConfigurationException($"{options.Devices}: {e.Message}".ReplaceLineEndings(" "));
        }
        var device = options.Device.Length == 0 && devices.Count == 1
            ? devices[0]
            : devices.FirstOrDefault(d => d.Name == options.Device || d.Uuid == options.Device || d.Id == options.Device);
        return device is null
            ? throw new EdgeConfigurationException($"{options.Devices} has no device '{options.Device}' (it has {string.Join(", ", devices.Select(d => d.Name))}); set Edge:Adapters:N:Device.")
            : (device, text);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        Resume();
        while (!ct.IsCancellationRequested)
        {
            var connected = false;
            try
            {
                using var tcp = new TcpClient { NoDelay = true };
                using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    cts.CancelAfter(_options.Timeout);
                    await tcp.ConnectAsync(_options.Host, _options.Port, cts.Token).ConfigureAwait(false);
                }
                connected = true;
                _source.State = "connected";
                Log.Connected(_log, Key, _instance, _next);
                await ReadAsync(tcp.GetStream(), ct).ConfigureAwait(false);
                _source.LastError = "the adapter closed the connection";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // a collector survives its source's failures: it reports and reconnects
            catch (Exception e)
#pragma warning restore CA1031
            {
                _source.LastError = e is OperationCanceledException ? "timed out" : e.Message;
            }
            if (connected && !_unavailableRecorded)
            {
                _lostAt ??= _time.GetUtcNow();
            }
            _source.State = "reconnecting";
            var wait = _reconnect.Next();
            Log.SourceRetry(_log, Key, _source.LastError ?? "disconnected", wait);
            try
            {
                await WaitAsync(wait, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        _source.State = "stopped";
    }

    /// <summary>Waits before the next attempt, recording the data items UNAVAILABLE when the adapter's grace period ends meanwhile.</summary>
    private async Task WaitAsync(TimeSpan wait, CancellationToken ct)
    {
        var until = _time.GetUtcNow() + wait;
        while (true)
        {
            RecordUnavailableWhenDue();
            var now = _time.GetUtcNow();
            var left = until - now;
            if (left <= TimeSpan.Zero)
            {
                return;
            }
            if (_lostAt is { } lost && lost + _options.UnavailableAfter - now is var due && due < left)
            {
                left = due > TimeSpan.FromMilliseconds(10) ? due : TimeSpan.FromMilliseconds(10);
            }
            await Task.Delay(left, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Continue the numbering from the cursor; on the first start store the device model.</summary>
    private void Resume()
    {
        var stored = _outbox.GetCursor(Key);
        // The analyzer continues from the state stored with the cursor; the device model comes from the configuration.
        _analytics = new SourceAnalytics(stored?.AnalyticsState);
        _analytics.SetDevice(_machineId, _device);
        if (stored is { } cursor)
        {
            _analytics.Publish(_state);
            _instance = cursor.InstanceId ?? "";
            _next = cursor.NextSequence;
            return;
        }
        _instance = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _next = 1;
        var model = DeviceModelDocuments.Split(Encoding.UTF8.GetBytes(_devicesText)).GetValueOrDefault(DeviceModelDocuments.Key(_device.Name, _device.Uuid), "");
        _outbox.Append(Key, new SourceCursor(_instance, _next, Machines: _analytics.SaveChanges()), [new OutboxEntry("deviceModel", _machineId, null, false,
            RecordPayloads.DeviceModel(_machineId, _device.Uuid, _device.Name, model))]);
        _analytics.Publish(_state);
    }

    private async Task ReadAsync(NetworkStream stream, CancellationToken ct)
    {
        using var splitter = new ShdrLineSplitter(_limits);
        var reader = new ShdrReader(_keys, _limits, _time);
        var lastBytes = _time.GetUtcNow();
        var buffer = new byte[64 * 1024];
        var lines = new List<string>();
        var ping = Encoding.ASCII.GetBytes("* PING\n");
        var pong = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"* PONG {(long)(_options.Timeout / 3).TotalMilliseconds}\n"));
        await stream.WriteAsync(ping, ct).ConfigureAwait(false);
        while (true)
        {
            int n;
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                cts.CancelAfter(_options.Timeout / 3);
                try
                {
                    n = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Quiet for a third of the timeout: ping; quiet for the whole timeout: reconnect.
                    RecordUnavailableWhenDue();
                    if (_time.GetUtcNow() - lastBytes > _options.Timeout)
                    {
                        throw new TimeoutException($"nothing from the adapter for {_options.Timeout.TotalSeconds:0} s");
                    }
                    await stream.WriteAsync(ping, ct).ConfigureAwait(false);
                    continue;
                }
            }
            if (n == 0)
            {
                return;
            }
            lastBytes = _time.GetUtcNow();
            lines.Clear();
            for (var skipped = splitter.Append(buffer.AsSpan(0, n), lines); skipped > 0; skipped--)
            {
                Malformed($"a line is longer than {_limits.MaxShdrLineLength} characters: skipped to its end");
            }
            var entries = new List<OutboxEntry>();
            foreach (var line in lines)
            {
                var result = reader.Accept(line);
                if (result.Error is { } error)
                {
                    Malformed(error.Describe());
                }
                else if (result.Line is not null)
                {
                    Delivered(result.Line is ShdrDataLine);
                }
                switch (result.Line)
                {
                    case ShdrPing:
                        await stream.WriteAsync(pong, ct).ConfigureAwait(false);
                        break;
                    case ShdrDataLine data:
                        foreach (var entry in data.Entries)
                        {
                            if (DataItemOf(entry) is { } item)
                            {
                                Add(item, entry.ToObservation(item, data.Timestamp, _next), entries);
                                _next++;
                            }
                        }
                        break;
                }
            }
            if (entries.Count == 0 && lines.Count > 0)
            {
                // Alive (a heartbeat) but no data: the machine's clock moves on without an observation.
                Tick(entries);
            }
            if (entries.Count > 0)
            {
                Store(entries);
            }
            RecordUnavailableWhenDue();
        }
    }

    /// <summary>The time since the machine's last observation arrived, for its analyzer (<see cref="SourceAnalytics.Tick"/>).</summary>
    private void Tick(List<OutboxEntry> entries)
    {
        if (_state.Activity(_machineId)?.LastData is { } last)
        {
            _analytics.Tick(_machineId, _time.GetUtcNow() - last, entries);
        }
    }

    /// <summary>Counted and skipped: the next lines are read as usual. The log names the first ones, then every 1000th.</summary>
    private void Malformed(string error)
    {
        var count = ++_source.MalformedLines;
        if (count <= 10 || count % 1000 == 0)
        {
            Log.MalformedShdrLine(_log, Key, count, error);
        }
    }

    /// <summary>A valid line arrived; a data line also makes the data items known again after a loss.</summary>
    private void Delivered(bool data)
    {
        _source.LastData = _time.GetUtcNow();
        _source.LastError = null;
        _reconnect.Delivered();
        if (data)
        {
            _lostAt = null;
            _unavailableRecorded = false;
        }
    }

    /// <summary>Once the adapter has been away for the grace period: every data item UNAVAILABLE, stamped when it went away.</summary>
    private void RecordUnavailableWhenDue()
    {
        if (_lostAt is not { } lost || _unavailableRecorded || _time.GetUtcNow() - lost < _options.UnavailableAfter)
        {
            return;
        }
        var at = lost.UtcDateTime;
        var entries = new List<OutboxEntry>();
        foreach (var item in _items)
        {
            Add(item, ShdrObservations.Unavailable(item, at, _next++), entries);
        }
        Store(entries);
        _unavailableRecorded = true;
        _lostAt = null;
    }

    /// <summary>
    /// The data item of this device an entry feeds, as an agent finds it (name, then id); none for an unknown key or an
    /// entry addressed to another device (<c>device:key</c>).
    /// </summary>
    private DataItem? DataItemOf(ShdrEntry entry) =>
        entry.IsKnown && (entry.Device is null || _deviceNames.Contains(entry.Device)) && _keys.TryGetDataItem(entry.Device, entry.Key, out var item)
            ? item
            : null;

    /// <summary>The observation's record, then (in stream order) whatever the analyzer derived from it.</summary>
    private void Add(DataItem item, Observation o, List<OutboxEntry> entries)
    {
        entries.Add(new("observation", _machineId, o.Sequence, o.Category == DataItemCategory.Sample, RecordPayloads.Observation(_machineId, _instance, o, item.Type)));
        _analytics.Observe(_machineId, o, _instance, entries);
    }

    private void Store(List<OutboxEntry> entries)
    {
        _outbox.Append(Key, new SourceCursor(_instance, _next, Machines: _analytics.SaveChanges()), entries);
        var observations = entries.Count(e => e.Kind == "observation");
        _source.NextSequence = _next;
        _source.InstanceId = _instance;
        _source.AddObservations(observations);
        _state.MachineData(_machineId, Key, observations);
        _analytics.Publish(_state);
        _metrics.Observations(Key, observations);
    }
}
