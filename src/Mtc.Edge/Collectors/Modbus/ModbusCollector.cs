using System.Globalization;
using Microsoft.Extensions.Logging;
using Mtc.Core.Model;
using Mtc.Core.Shdr;
using Mtc.Edge.Analytics;
using Mtc.Edge.Outbox;
using Mtc.Edge.Status;

namespace Mtc.Edge.Collectors.Modbus;

/// <summary>
/// Reads one Modbus TCP I/O module every <see cref="CounterSourceOptions.PollInterval"/> and turns each configured channel
/// into a counter-only machine: its AVAILABILITY, its PART_COUNT and its input state, numbered by the edge (the numbering
/// continues across restarts) and written to the outbox with the analytics the SHDR and agent collectors use. PART_COUNT
/// is the edge's running count of the channel: the module's value at the first poll, then grown by each poll's parts
/// (<see cref="CounterDelta"/>), so it never goes down on a wrap or a reset and the analytics count exactly those parts.
/// The last raw value of every channel is stored with the cursor in the same transaction as the records, so parts
/// counted while the edge was down are counted at its first poll after the restart. A module that has not answered for
/// <see cref="CounterSourceOptions.UnavailableAfter"/> has every data item recorded UNAVAILABLE: its machines are OFFLINE.
/// </summary>
internal sealed partial class ModbusCollector : IDisposable
{
    private readonly CounterSourceOptions _options;
    private readonly OutboxStore _outbox;
    private readonly EdgeState _state;
    private readonly EdgeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SourceState _source;
    private readonly ModbusTcpClient _client;
    private readonly Channel[] _channels;
    private readonly ushort _registers;
    private readonly ushort _inputs;
    private SourceAnalytics _analytics = new(null);
    private string _instance = "";
    private long _next;
    private DateTimeOffset _lastAnswer;
    private DateTimeOffset? _firstFailure;
    private bool _unavailableRecorded;
    private string? _loggedError;

    public ModbusCollector(CounterSourceOptions options, OutboxStore outbox, EdgeState state, EdgeMetrics metrics, TimeProvider time, ILogger log)
    {
        _options = options;
        _outbox = outbox;
        _state = state;
        _metrics = metrics;
        _time = time;
        _log = log;
        var address = string.Create(CultureInfo.InvariantCulture, $"{options.Host}:{options.Port} unit {options.UnitId}");
        _source = state.Source(SourceKey(options), "modbus", address);
        _source.SilenceLimit = options.UnavailableAfter > options.PollInterval ? options.UnavailableAfter : 3 * options.PollInterval;
        _client = new ModbusTcpClient(options.Host, options.Port, (byte)options.UnitId, options.Timeout);
        _channels = [.. options.Channels.Select(c => new Channel(c, CounterDeviceModel.For(c.MachineId, c.Name.Length > 0 ? c.Name : c.MachineId, address, c.Channel)))];
        var highest = options.Channels.Max(c => c.Channel);
        _registers = (ushort)(2 * (highest + 1));
        _inputs = (ushort)(highest + 1);
        foreach (var ch in _channels)
        {
            state.SetMachine(new Uplink.SetupMachine(ch.MachineId, ch.Model.Device.Name, ch.Model.Device.Uuid));
        }
        _lastAnswer = time.GetUtcNow();
    }

    public string Key => _source.Key;

    /// <summary>The module's client (its connection counts are what the tests look at).</summary>
    internal ModbusTcpClient Client => _client;

    public static string SourceKey(CounterSourceOptions o) =>
        string.Create(CultureInfo.InvariantCulture, $"modbus:{o.Host}:{o.Port}/{o.UnitId}");

    public async Task RunAsync(CancellationToken ct)
    {
        Resume();
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            do
            {
                await PollAsync(ct).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        _source.State = "stopped";
    }

    /// <summary>One poll: the counters (04), then the input states (02); any failure fails the whole poll.</summary>
    internal async Task PollAsync(CancellationToken ct)
    {
        ushort[] registers;
        bool[] inputs;
        try
        {
            registers = await _client.ReadInputRegistersAsync(0, _registers, ct).ConfigureAwait(false);
            inputs = await _client.ReadDiscreteInputsAsync(0, _inputs, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // a collector survives its source's failures: it reports them and polls again
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failed(e);
            return;
        }
        Answered(registers, inputs);
    }

    private void Answered(ushort[] registers, bool[] inputs)
    {
        var now = _time.GetUtcNow();
        if (_loggedError is not null)
        {
            Log.ModbusAnswering(_log, Key, _loggedError);
            _loggedError = null;
        }
        _lastAnswer = now;
        _firstFailure = null;
        _unavailableRecorded = false;
        _source.State = "connected";
        _source.LastError = null;
        _source.LastData = now;
        var at = now.UtcDateTime;
        var entries = new List<OutboxEntry>();
        foreach (var ch in _channels)
        {
            var raw = registers[2 * ch.Number] + ((uint)registers[(2 * ch.Number) + 1] << 16);
            if (!ch.Available)
            {
                Add(ch, ch.Model.Availability, "AVAILABLE", at, entries);
                ch.Available = true;
            }
            var live = ch.PartsLive;
            if (ch.Raw is { } previous)
            {
                var (parts, change) = CounterDelta.Between(previous, raw);
                if (change is CounterChange.Wrap or CounterChange.Reset)
                {
                    Log.CounterWentDown(_log, Key, ch.MachineId, previous, raw, change == CounterChange.Wrap ? "a wrap at 2^32" : "a reset", parts);
                }
                ch.Total += parts;
                live &= parts == 0;
            }
            else
            {
                // The first reading of this channel ever: the baseline, no parts counted from its absolute value.
                ch.Total = raw;
                live = false;
            }
            ch.Raw = raw;
            if (!live)
            {
                Add(ch, ch.Model.PartCount, ch.Total.ToString(CultureInfo.InvariantCulture), at, entries);
                ch.PartsLive = true;
            }
            var input = inputs[ch.Number];
            if (ch.Input != input)
            {
                Add(ch, ch.Model.Input, input ? "ON" : "OFF", at, entries);
                ch.Input = input;
            }
        }
        if (entries.Count > 0)
        {
            Store(entries);
        }
    }

    private void Failed(Exception e)
    {
        var now = _time.GetUtcNow();
        _firstFailure ??= now;
        _source.State = "reconnecting";
        _source.LastError = e.Message;
        if (_loggedError != e.Message)
        {
            // Once per kind of failure, not once per poll.
            Log.ModbusFailed(_log, Key, e.Message);
            _loggedError = e.Message;
        }
        if (!_unavailableRecorded && now - _lastAnswer >= _options.UnavailableAfter)
        {
            RecordUnavailable(_firstFailure.Value.UtcDateTime);
        }
    }

    /// <summary>Every data item of every channel UNAVAILABLE, stamped when the module stopped answering.</summary>
    private void RecordUnavailable(DateTime at)
    {
        var entries = new List<OutboxEntry>();
        foreach (var ch in _channels)
        {
            foreach (var item in new[] { ch.Model.Availability, ch.Model.PartCount, ch.Model.Input })
            {
                var o = ShdrObservations.Unavailable(item, at, _next++);
                entries.Add(new("observation", ch.MachineId, o.Sequence, false, RecordPayloads.Observation(ch.MachineId, _instance, o, item.Type)));
                _analytics.Observe(ch.MachineId, o, _instance, entries);
            }
            ch.Available = false;
            ch.PartsLive = false;
            ch.Input = null;
        }
        Store(entries);
        _unavailableRecorded = true;
    }

    private void Add(Channel ch, DataItem item, string value, DateTime at, List<OutboxEntry> entries)
    {
        var o = new ShdrValue(null, item.Id, value).ToObservation(item, at, _next++);
        entries.Add(new("observation", ch.MachineId, o.Sequence, false, RecordPayloads.Observation(ch.MachineId, _instance, o, item.Type)));
        _analytics.Observe(ch.MachineId, o, _instance, entries);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>One channel and what the edge last recorded for it.</summary>
    private sealed class Channel(CounterChannelOptions options, CounterDeviceModel model)
    {
        public string MachineId { get; } = options.MachineId;
        public int Number { get; } = options.Channel;
        public CounterDeviceModel Model { get; } = model;

        /// <summary>The module's counter at the last answer (null before the first answer ever).</summary>
        public uint? Raw { get; set; }

        /// <summary>The running count recorded as PART_COUNT.</summary>
        public long Total { get; set; }

        /// <summary>True while PART_COUNT holds <see cref="Total"/> (false before the first answer and after UNAVAILABLE).</summary>
        public bool PartsLive { get; set; }
        public bool Available { get; set; }
        public bool? Input { get; set; }
    }
}
