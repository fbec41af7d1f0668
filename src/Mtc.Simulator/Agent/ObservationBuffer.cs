using Mtc.Core.Model;

namespace Mtc.Simulator.Agent;

/// <summary>The sequence numbers of the buffer at one instant.</summary>
internal readonly record struct BufferState(long InstanceId, int BufferSize, long FirstSequence, long NextSequence)
{
    public long LastSequence => NextSequence - 1;
}

/// <summary>A page of <c>sample</c>: the observations and the sequence the next page starts at.</summary>
internal sealed record SamplePage(BufferState State, List<BufferedObservation> Observations, long NextSequence, bool EndOfBuffer);

/// <summary>
/// The agent's ring buffer: every observation gets the next sequence number; the oldest fall out when it is full.
/// Keeps the latest values (for <c>current</c>) and the state just before <c>firstSequence</c> (for <c>current?at=</c>).
/// </summary>
internal sealed class ObservationBuffer
{
    private readonly Lock _gate = new();
    private readonly BufferedObservation[] _ring;
    private readonly Checkpoint _latest = new();
    private readonly Checkpoint _beforeFirst = new();
    private TaskCompletionSource _changed = NewSignal();
    private long _first = 1;
    private long _next = 1;
    private long _instanceId;

    public ObservationBuffer(int capacity, long instanceId)
    {
        _ring = new BufferedObservation[capacity];
        _instanceId = instanceId;
    }

    public int Capacity => _ring.Length;

    public BufferState State
    {
        get
        {
            lock (_gate)
            {
                return CurrentState();
            }
        }
    }

    /// <summary>Completes when anything is added (or the buffer is reset) after this property was read.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public long Add(in SourceValue value) => AddRange([value]);

    /// <summary>Adds the values in order and wakes the readers once. Returns the last sequence given.</summary>
    public long AddRange(ReadOnlySpan<SourceValue> values)
    {
        if (values.IsEmpty)
        {
            return 0;
        }

        TaskCompletionSource changed;
        long last;
        lock (_gate)
        {
            foreach (ref readonly var value in values)
            {
                var sequence = _next++;
                var entry = new BufferedObservation(Create(value, sequence), value.Item);
                var slot = (int)(sequence % _ring.Length);
                if (sequence - _first >= _ring.Length)
                {
                    _beforeFirst.Apply(_ring[slot]);
                    _first++;
                }

                _ring[slot] = entry;
                _latest.Apply(entry);
            }

            last = _next - 1;
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
        return last;
    }

    /// <summary>Empties the buffer and starts again at sequence 1 under a new instance id (an agent restart).</summary>
    public void Reset(long instanceId)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            Array.Clear(_ring);
            _latest.Clear();
            _beforeFirst.Clear();
            _first = _next = 1;
            _instanceId = instanceId;
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Up to <paramref name="count"/> observations from <paramref name="from"/> on (of one device when given).
    /// The caller has checked <paramref name="from"/> against the state; a <paramref name="from"/> that fell out
    /// of the buffer meanwhile answers null.
    /// </summary>
    public SamplePage? Sample(long from, int count, DeviceModel? device)
    {
        lock (_gate)
        {
            var state = CurrentState();
            if (from < _first || from > _next)
            {
                return null;
            }

            var list = new List<BufferedObservation>(Math.Min(count, 1024));
            var sequence = from;
            for (; sequence < _next && list.Count < count; sequence++)
            {
                var entry = _ring[(int)(sequence % _ring.Length)];
                if (device is null || entry.Item.Device == device)
                {
                    list.Add(entry);
                }
            }

            return new SamplePage(state, list, sequence, sequence >= _next);
        }
    }

    /// <summary>The latest observation of every data item, or the state at sequence <paramref name="at"/> (checked by the caller).</summary>
    public (BufferState State, List<BufferedObservation> Observations)? Current(long? at, DeviceModel? device)
    {
        lock (_gate)
        {
            var state = CurrentState();
            if (at is null)
            {
                return (state, _latest.Observations(device));
            }

            if (at < _first || at >= _next)
            {
                return null;
            }

            var checkpoint = _beforeFirst.Clone();
            for (var sequence = _first; sequence <= at; sequence++)
            {
                checkpoint.Apply(_ring[(int)(sequence % _ring.Length)]);
            }

            return (state, checkpoint.Observations(device));
        }
    }

    private BufferState CurrentState() => new(_instanceId, _ring.Length, _first, _next);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Observation Create(in SourceValue value, long sequence)
    {
        var item = value.Item;
        return new Observation
        {
            Category = item.Category,
            ElementName = item.Category == DataItemCategory.Condition ? LevelElement(value.Level ?? ConditionLevel.Unavailable) : item.ElementName,
            DataItemId = item.Id,
            Name = item.Name,
            Sequence = sequence,
            Timestamp = value.Timestamp,
            SubType = item.SubType,
            Value = value.Value,
            Level = item.Category == DataItemCategory.Condition ? value.Level ?? ConditionLevel.Unavailable : null,
            Type = item.Category == DataItemCategory.Condition ? item.Type : null,
            NativeCode = value.NativeCode,
            NativeSeverity = value.NativeSeverity,
            Qualifier = value.Qualifier,
            ConditionId = value.ConditionId,
            SampleCount = value.SampleCount,
            SampleRate = value.SampleRate,
            Entries = value.Entries,
            ResetTriggered = value.ResetTriggered,
            ComponentType = item.ComponentType,
            ComponentId = item.ComponentId,
            ComponentName = item.ComponentName,
        };
    }

    public static string LevelElement(ConditionLevel level) => level switch
    {
        ConditionLevel.Normal => "Normal",
        ConditionLevel.Warning => "Warning",
        ConditionLevel.Fault => "Fault",
        _ => "Unavailable",
    };
}
