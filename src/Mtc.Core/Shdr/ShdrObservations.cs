using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Mtc.Core.Model;

namespace Mtc.Core.Shdr;

/// <summary>Turns an SHDR entry into the <see cref="Observation"/> an agent would publish for its data item.</summary>
public static class ShdrObservations
{
    // Element names computed once per data item (by reference; data items are immutable records).
    private static readonly ConditionalWeakTable<DataItem, string> ElementNames = [];

    /// <param name="item">The data item the entry's key names (see <see cref="DeviceShdrKeyResolver.TryGetDataItem"/>).</param>
    /// <param name="timestamp">The line's timestamp.</param>
    /// <param name="sequence">The sequence number the caller assigns; 0 when none.</param>
    public static Observation ToObservation(this ShdrEntry entry, DataItem item, DateTime timestamp, long sequence = 0)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(item);
        var element = ElementName(item);
        return entry switch
        {
            ShdrCondition c => new Observation
            {
                Category = item.Category, ElementName = c.Level.ToString(), DataItemId = item.Id, Name = item.Name, Sequence = sequence,
                Timestamp = timestamp, SubType = item.SubType, CompositionId = item.CompositionId, Value = c.Message,
                ComponentType = item.ComponentType, ComponentId = item.ComponentId,
                Level = c.Level, Type = item.Type, NativeCode = c.NativeCode, NativeSeverity = c.NativeSeverity,
                Qualifier = c.Qualifier, ConditionId = c.ConditionId,
            },
            ShdrValue v => Simple(item, element, timestamp, sequence, v.IsUnavailable ? Observation.UnavailableValue : v.Value, null),
            ShdrMessage m => Simple(item, element, timestamp, sequence, IsUnavailable(m) ? Observation.UnavailableValue : m.Text, m.NativeCode),
            ShdrAlarm a => Simple(item, element, timestamp, sequence, IsUnavailable(a) ? Observation.UnavailableValue : a.Text, a.NativeCode),
            ShdrTimeSeries t => new Observation
            {
                Category = item.Category, ElementName = element, DataItemId = item.Id, Name = item.Name, Sequence = sequence,
                Timestamp = timestamp, SubType = item.SubType, CompositionId = item.CompositionId,
                Value = t.IsUnavailable ? Observation.UnavailableValue : Join(t.Values),
                ComponentType = item.ComponentType, ComponentId = item.ComponentId,
                SampleCount = t.IsUnavailable ? null : t.SampleCount ?? t.Values.Count, SampleRate = t.SampleRate,
            },
            ShdrDataSet d => new Observation
            {
                Category = item.Category, ElementName = element, DataItemId = item.Id, Name = item.Name, Sequence = sequence,
                Timestamp = timestamp, SubType = item.SubType, CompositionId = item.CompositionId,
                Value = d.IsUnavailable ? Observation.UnavailableValue : null,
                ComponentType = item.ComponentType, ComponentId = item.ComponentId,
                Count = d.IsUnavailable ? null : d.Entries.Count, Entries = d.IsUnavailable ? null : d.Entries,
                ResetTriggered = d.ResetTriggered,
            },
            _ => throw new ArgumentException($"unknown SHDR entry {entry.GetType().Name}", nameof(entry)),
        };
    }

    /// <summary>What an agent records for a data item when its adapter goes away: a condition at level
    /// Unavailable, anything else the value <c>UNAVAILABLE</c>.</summary>
    public static Observation Unavailable(DataItem item, DateTime timestamp, long sequence = 0)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Category == DataItemCategory.Condition
            ? new Observation
            {
                Category = item.Category, ElementName = nameof(ConditionLevel.Unavailable), DataItemId = item.Id, Name = item.Name,
                Sequence = sequence, Timestamp = timestamp, SubType = item.SubType, CompositionId = item.CompositionId,
                ComponentType = item.ComponentType, ComponentId = item.ComponentId, Level = ConditionLevel.Unavailable, Type = item.Type,
            }
            : Simple(item, ElementName(item), timestamp, sequence, Observation.UnavailableValue, null);
    }

    /// <summary>
    /// True when an agent publishes the entry as UNAVAILABLE: a value, time series or data set written
    /// <c>UNAVAILABLE</c>, a condition at level Unavailable, a message whose text is <c>UNAVAILABLE</c>, or an alarm
    /// whose text (its value) or code is <c>UNAVAILABLE</c> (an adapter writes <c>key|UNAVAILABLE</c> for an
    /// alarm it cannot read); case-insensitive, as cppagent compares it.
    /// </summary>
    public static bool IsUnavailable(ShdrEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry switch
        {
            ShdrValue v => v.IsUnavailable,
            ShdrCondition c => c.Level == ConditionLevel.Unavailable,
            ShdrMessage m => Unavailable(m.Text),
            ShdrAlarm a => Unavailable(a.Code) || Unavailable(a.Text),
            ShdrTimeSeries t => t.IsUnavailable,
            ShdrDataSet d => d.IsUnavailable,
            _ => false,
        };
    }

    /// <summary>The streams element name of a data item: its type in PascalCase (<c>PART_COUNT</c> → <c>PartCount</c>),
    /// with <c>TimeSeries</c>, <c>DataSet</c> or <c>Table</c> added for those representations.</summary>
    public static string ElementName(DataItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ElementNames.GetValue(item, static i => ElementName(i.Type, i.Representation?.ToUpperInvariant()));
    }

    /// <summary>The element name of a type (<c>x:PART_COUNT</c> → <c>x:PartCount</c>, any prefix kept) with
    /// <c>TimeSeries</c>, <c>DataSet</c> or <c>Table</c> added for those representations (as written: upper case).</summary>
    public static string ElementName(string type, string? representation)
    {
        ArgumentNullException.ThrowIfNull(type);
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        var builder = new StringBuilder(type.Length + 10);
        builder.Append(type, 0, colon + 1);
        foreach (var word in type[(colon + 1)..].Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append(char.ToUpperInvariant(word[0])).Append(word[1..].ToLowerInvariant());
        }

        builder.Append(representation switch
        {
            "TIME_SERIES" => "TimeSeries",
            "DATA_SET" => "DataSet",
            "TABLE" => "Table",
            _ => string.Empty,
        });
        return builder.ToString();
    }

    private static Observation Simple(DataItem item, string element, DateTime timestamp, long sequence, string? value, string? nativeCode) => new()
    {
        Category = item.Category,
        ElementName = element,
        DataItemId = item.Id,
        Name = item.Name,
        Sequence = sequence,
        Timestamp = timestamp,
        SubType = item.SubType,
        CompositionId = item.CompositionId,
        Value = value,
        NativeCode = nativeCode,
        ComponentType = item.ComponentType,
        ComponentId = item.ComponentId,
    };

    private static bool Unavailable(string? text) => string.Equals(text, Observation.UnavailableValue, StringComparison.OrdinalIgnoreCase);

    private static string Join(IReadOnlyList<double> values) =>
        string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
