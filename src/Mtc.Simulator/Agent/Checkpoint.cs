using Mtc.Core.Model;

namespace Mtc.Simulator.Agent;

/// <summary>
/// The latest observation of every data item at one point of the buffer (what <c>current</c> shows). Conditions
/// keep every active Warning/Fault by native code, as an agent does: a Normal with a code clears that code,
/// a Normal without one clears them all.
/// </summary>
internal sealed class Checkpoint
{
    private readonly Dictionary<string, BufferedObservation> _values;
    private readonly Dictionary<string, List<BufferedObservation>> _conditions;

    public Checkpoint()
    {
        _values = new(StringComparer.Ordinal);
        _conditions = new(StringComparer.Ordinal);
    }

    private Checkpoint(Checkpoint other)
    {
        _values = new(other._values, StringComparer.Ordinal);
        _conditions = other._conditions.ToDictionary(p => p.Key, p => new List<BufferedObservation>(p.Value), StringComparer.Ordinal);
    }

    public Checkpoint Clone() => new(this);

    public void Clear()
    {
        _values.Clear();
        _conditions.Clear();
    }

    public void Apply(BufferedObservation entry)
    {
        var observation = entry.Observation;
        if (observation.Category != DataItemCategory.Condition)
        {
            _values[observation.DataItemId] = entry;
            return;
        }

        if (!_conditions.TryGetValue(observation.DataItemId, out var active))
        {
            _conditions[observation.DataItemId] = active = [];
        }

        var code = observation.NativeCode ?? "";
        switch (observation.Level)
        {
            case ConditionLevel.Warning or ConditionLevel.Fault:
                active.RemoveAll(e => e.Observation.Level is ConditionLevel.Normal or ConditionLevel.Unavailable
                    || string.Equals(e.Observation.NativeCode ?? "", code, StringComparison.Ordinal));
                active.Add(entry);
                break;
            case ConditionLevel.Normal when code.Length > 0:
                active.RemoveAll(e => string.Equals(e.Observation.NativeCode ?? "", code, StringComparison.Ordinal)
                    || e.Observation.Level is ConditionLevel.Normal or ConditionLevel.Unavailable);
                if (active.Count == 0)
                {
                    active.Add(entry);
                }

                break;
            default:
                active.Clear();
                active.Add(entry);
                break;
        }
    }

    /// <summary>Every observation of the checkpoint, in sequence order, optionally only those of one device.</summary>
    public List<BufferedObservation> Observations(DeviceModel? device)
    {
        var list = new List<BufferedObservation>(_values.Count + _conditions.Count);
        foreach (var entry in _values.Values)
        {
            if (device is null || entry.Item.Device == device)
            {
                list.Add(entry);
            }
        }

        foreach (var active in _conditions.Values)
        {
            foreach (var entry in active)
            {
                if (device is null || entry.Item.Device == device)
                {
                    list.Add(entry);
                }
            }
        }

        list.Sort((a, b) => a.Observation.Sequence.CompareTo(b.Observation.Sequence));
        return list;
    }
}
