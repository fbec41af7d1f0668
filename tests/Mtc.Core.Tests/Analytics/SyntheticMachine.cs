using Mtc.Core.Analytics;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Analytics;

/// <summary>A small device model and a builder of observation streams for it, with sequences and times.</summary>
internal sealed class SyntheticMachine
{
    public static readonly DateTime T0 = new(2024, 3, 4, 8, 0, 0, DateTimeKind.Utc);

    private readonly List<(Observation Observation, string Instance)> _stream = [];
    private long _sequence;
    private int _instance = 1;
    private DateTime _time = T0;

    public SyntheticMachine(Device? device = null) => Device = device ?? FullDevice();

    public Device Device { get; }

    public IReadOnlyList<(Observation Observation, string Instance)> Stream => _stream;

    public static Device FullDevice() => Make(
        Item("avail", "AVAILABILITY"),
        Item("exec", "EXECUTION"),
        Item("mode", "CONTROLLER_MODE"),
        Item("fmode", "FUNCTIONAL_MODE"),
        Item("program", "PROGRAM"),
        Item("subprogram", "PROGRAM", "x:SUB"),
        Item("pc_bad", "PART_COUNT", "BAD"),
        Item("pc", "PART_COUNT", "ALL"),
        Item("estop", "EMERGENCY_STOP"),
        Item("xpos", "POSITION", category: DataItemCategory.Sample),
        Item("system", "SYSTEM", category: DataItemCategory.Condition));

    public static Device CounterOnlyDevice() => Make(
        Item("avail", "AVAILABILITY"),
        Item("pc", "PART_COUNT"));

    public static DataItem Item(string id, string type, string? subType = null, DataItemCategory category = DataItemCategory.Event) =>
        new() { Id = id, Name = id, Type = type, SubType = subType, Category = category };

    private static Device Make(params DataItem[] items) => new()
    {
        ElementName = "Device",
        Id = "m1",
        Name = "M1",
        Uuid = "m1-uuid",
        Components = [new Component { ElementName = "Controller", Id = "c1", DataItems = items }],
    };

    /// <summary>Moves the time to <paramref name="seconds"/> after <see cref="T0"/> (backwards too).</summary>
    public SyntheticMachine At(double seconds)
    {
        _time = T0.AddSeconds(seconds);
        return this;
    }

    public SyntheticMachine AtTime(DateTime time)
    {
        _time = time;
        return this;
    }

    /// <summary>The agent restarted: a new instance, sequences from 1 again.</summary>
    public SyntheticMachine Restart()
    {
        _instance++;
        _sequence = 0;
        return this;
    }

    public SyntheticMachine Set(string id, string value)
    {
        _stream.Add((new Observation
        {
            Category = DataItemCategory.Event,
            ElementName = id,
            DataItemId = id,
            Name = id,
            Sequence = ++_sequence,
            Timestamp = _time,
            Value = value,
        }, _instance.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return this;
    }

    public SyntheticMachine Condition(string id, ConditionLevel level, string? code = null, string? message = null)
    {
        _stream.Add((new Observation
        {
            Category = DataItemCategory.Condition,
            ElementName = level.ToString(),
            DataItemId = id,
            Sequence = ++_sequence,
            Timestamp = _time,
            Level = level,
            NativeCode = code,
            Value = message,
        }, _instance.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return this;
    }

    /// <summary>A machine that is on, in automatic, with program <paramref name="program"/> loaded and READY.</summary>
    public SyntheticMachine Ready(string program = "O1000", long parts = 0) =>
        Set("avail", "AVAILABLE").Set("mode", "AUTOMATIC").Set("fmode", "PRODUCTION").Set("program", program)
            .Set("pc", parts.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set("exec", "READY")
            .Condition("system", ConditionLevel.Normal);

    /// <summary>Runs the whole stream through one analyzer and finishes it.</summary>
    public AnalysisRun Run(AnalyticsOptions? options = null)
    {
        var analyzer = new MachineAnalyzer(Device, options);
        foreach (var (observation, instance) in _stream)
        {
            analyzer.Observe(observation, instance);
        }

        analyzer.Finish();
        return new AnalysisRun(analyzer, analyzer.TakeEvents());
    }
}

internal sealed record AnalysisRun(MachineAnalyzer Analyzer, IReadOnlyList<MachineEvent> Events)
{
    public IReadOnlyList<MachineCycle> Cycles => Events.OfType<MachineCycle>().ToList();
    public IReadOnlyList<StatusInterval> Statuses => Events.OfType<StatusInterval>().ToList();
    public IReadOnlyList<AlarmPeriod> Alarms => Events.OfType<AlarmPeriod>().ToList();
    public IReadOnlyList<SetupPeriod> Setups => Events.OfType<SetupPeriod>().ToList();
    public IReadOnlyList<PartsProduced> Parts => Events.OfType<PartsProduced>().ToList();

    public double StatusSeconds(string status) => Statuses.Where(s => s.Status == status).Sum(s => s.Seconds);
}
