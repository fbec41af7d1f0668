using Mtc.Core.Model;

namespace Mtc.Core.Shdr;

/// <summary>One key and its fields on a data line.</summary>
/// <param name="Device">The <c>device:</c> prefix of the key, null when the key had none.</param>
/// <param name="Key">The data item key (name or id) without the device prefix.</param>
public abstract record ShdrEntry(string? Device, string Key)
{
    public abstract ShdrItemKind Kind { get; }

    /// <summary>False when the resolver did not know the key: its fields were then read by the heuristic
    /// (a condition when they look like one, otherwise one value), as an agent would skip them.</summary>
    public bool IsKnown { get; init; } = true;
}

/// <summary>A sample or event value (<c>key|value</c>). <c>UNAVAILABLE</c> stays as it is.</summary>
public sealed record ShdrValue(string? Device, string Key, string Value) : ShdrEntry(Device, Key)
{
    public override ShdrItemKind Kind => ShdrItemKind.Value;

    public bool IsUnavailable => string.Equals(Value, Observation.UnavailableValue, StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>key|level|nativeCode[:conditionId]|nativeSeverity|qualifier|message</c>. Empty fields are null.</summary>
public sealed record ShdrCondition(
    string? Device,
    string Key,
    ConditionLevel Level,
    string? NativeCode,
    string? ConditionId,
    string? NativeSeverity,
    string? Qualifier,
    string? Message) : ShdrEntry(Device, Key)
{
    public override ShdrItemKind Kind => ShdrItemKind.Condition;
}

/// <summary><c>key|nativeCode|text</c>. With a single field left on the line, that field is the text.</summary>
public sealed record ShdrMessage(string? Device, string Key, string? NativeCode, string Text) : ShdrEntry(Device, Key)
{
    public override ShdrItemKind Kind => ShdrItemKind.Message;
}

/// <summary><c>key|count|rate|v1 v2 ...</c>. An empty rate is null (the data item's sampleRate applies).</summary>
public sealed record ShdrTimeSeries(
    string? Device,
    string Key,
    int? SampleCount,
    double? SampleRate,
    IReadOnlyList<double> Values,
    bool IsUnavailable = false) : ShdrEntry(Device, Key)
{
    public override ShdrItemKind Kind => ShdrItemKind.TimeSeries;
}

/// <summary><c>key|[:TRIGGER ]k1=v1 k2='v 2' k3</c> (DATA_SET) or <c>key|row={c1=1 c2=2}</c> (TABLE).
/// A key without <c>=</c> or with an empty value is a removal.</summary>
public sealed record ShdrDataSet(
    string? Device,
    string Key,
    bool IsTable,
    IReadOnlyList<DataSetEntry> Entries,
    string? ResetTriggered,
    bool IsUnavailable = false) : ShdrEntry(Device, Key)
{
    public override ShdrItemKind Kind => IsTable ? ShdrItemKind.Table : ShdrItemKind.DataSet;
}

/// <summary><c>key|code|nativeCode|severity|state|text</c>: an ALARM event (deprecated since 1.1, still sent by old adapters).</summary>
public sealed record ShdrAlarm(
    string? Device,
    string Key,
    string? Code,
    string? NativeCode,
    string? Severity,
    string? State,
    string? Text) : ShdrEntry(Device, Key)
{
    public override ShdrItemKind Kind => ShdrItemKind.Alarm;
}
