using System.Globalization;
using Mtc.Core.Model;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Generator;

/// <summary>A value a generated machine reported, at its own (simulated) time.</summary>
internal readonly record struct GeneratedValue(DateTime Time, int Machine, long Order, SourceValue Value);

/// <summary>
/// One generated machine: a script of jobs (program change with a setup, then a run of cycles with a
/// spread of cycle times, feed holds, alarms that clear, temperature warnings) and availability drops.
/// Everything it does follows from its seed; time only moves when <see cref="Advance"/> is called.
/// </summary>
internal sealed partial class GeneratedMachine
{
    private static readonly string[] Alarms =
        ["1010|SPINDLE OVERLOAD", "2003|SERVO ALARM: X AXIS EXCESS ERROR", "3021|COOLANT LEVEL LOW", "4102|TOOL BREAKAGE DETECTED", "5011|DOOR INTERLOCK OPEN"];

    private readonly Random _random;
    private readonly Dictionary<string, SimDataItem> _items;
    private readonly List<GeneratedValue> _pending = [];
    private readonly IEnumerator<TimeSpan> _script;
    private readonly int _index;
    private readonly string[] _programs;
    private readonly double[] _cycleSeconds;
    private readonly double[] _spindleRpm;
    private DateTime _now;
    private DateTime _wake;
    private long _order;

    public GeneratedMachine(int index, int seed, DateTime start)
    {
        _index = index;
        _random = new Random(unchecked((seed * 7919) + index));
        Kind = _random.NextDouble() < 0.6 ? MachineKind.Mill : MachineKind.Lathe;
        var name = string.Create(CultureInfo.InvariantCulture, $"{Kind}{index + 1:00}");
        Device = MachineModel.Build(name.ToLowerInvariant(), name, string.Create(CultureInfo.InvariantCulture, $"sim-{seed}-{index + 1:000}"), Kind);
        _items = Device.DataItems.ToDictionary(i => i.Name!, StringComparer.Ordinal);

        var programCount = _random.Next(3, 6);
        _programs = new string[programCount];
        _cycleSeconds = new double[programCount];
        _spindleRpm = new double[programCount];
        for (var i = 0; i < programCount; i++)
        {
            _programs[i] = string.Create(CultureInfo.InvariantCulture, $"O{_random.Next(1000, 9999)}");
            _cycleSeconds[i] = 40 + (_random.NextDouble() * _random.NextDouble() * 700);
            _spindleRpm[i] = Math.Round(800 + (_random.NextDouble() * 7200), 0);
        }

        _now = _wake = start;
        _script = Script().GetEnumerator();
    }

    public DeviceModel Device { get; }
    public MachineKind Kind { get; }

    /// <summary>Runs the machine up to <paramref name="until"/> and appends what it reported, in order.</summary>
    public void Advance(DateTime until, List<GeneratedValue> output)
    {
        while (_wake <= until)
        {
            _now = _wake;
            _script.MoveNext();
            _wake = _now + _script.Current;
            output.AddRange(_pending);
            _pending.Clear();
        }
    }

    private void Set(string key, string value) =>
        _pending.Add(new GeneratedValue(_now, _index, _order++, new SourceValue(_items[key], _now, value)));

    private void Set(string key, double value) => Set(key, value.ToString("0.###", CultureInfo.InvariantCulture));

    private void Condition(string key, ConditionLevel level, string? code = null, string? message = null) =>
        _pending.Add(new GeneratedValue(_now, _index, _order++, SourceValue.Condition(_items[key], _now, level, code, message)));

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private double Between(double low, double high) => low + (_random.NextDouble() * (high - low));

    /// <summary>A normally distributed number (Box–Muller), for cycle-time spread.</summary>
    private double Normal(double mean, double deviation)
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return mean + (deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Sin(2.0 * Math.PI * u2));
    }
}
