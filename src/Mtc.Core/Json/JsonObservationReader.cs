using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Json;

/// <summary>One observation object: <c>{"dataItemId": .., "timestamp": .., "sequence": .., "value": ..}</c> plus what its kind adds.</summary>
internal static class JsonObservationReader
{
    public static Observation Read(string element, DataItemCategory category, ObservationComponent? component, ref Utf8JsonReader reader, JsonSource source)
    {
        JsonValues.ExpectObject(ref reader, source, element);
        var start = reader.TokenStartIndex;
        string? dataItemId = null, name = null, subType = null, compositionId = null, value = null, type = null;
        string? nativeCode = null, nativeSeverity = null, qualifier = null, conditionId = null, resetTriggered = null;
        long? sequence = null;
        DateTime? timestamp = null;
        int? sampleCount = null, count = null;
        double? sampleRate = null;
        List<DataSetEntry>? entries = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("dataItemId"u8)) { reader.Read(); dataItemId = JsonValues.Text(ref reader, source, "dataItemId"); }
            else if (reader.ValueTextEquals("timestamp"u8)) { reader.Read(); timestamp = JsonValues.Timestamp(ref reader, source, "timestamp"); }
            else if (reader.ValueTextEquals("sequence"u8)) { reader.Read(); sequence = JsonValues.Long(ref reader, source, "sequence"); }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    entries = ReadEntries(ref reader, source);
                }
                else
                {
                    value = JsonValues.Text(ref reader, source, "value");
                }
            }
            else if (reader.ValueTextEquals("name"u8)) { reader.Read(); name = JsonValues.Text(ref reader, source, "name"); }
            else if (reader.ValueTextEquals("subType"u8)) { reader.Read(); subType = JsonValues.Text(ref reader, source, "subType"); }
            else if (reader.ValueTextEquals("compositionId"u8)) { reader.Read(); compositionId = JsonValues.Text(ref reader, source, "compositionId"); }
            else if (reader.ValueTextEquals("type"u8)) { reader.Read(); type = JsonValues.Text(ref reader, source, "type"); }
            else if (reader.ValueTextEquals("nativeCode"u8)) { reader.Read(); nativeCode = JsonValues.Text(ref reader, source, "nativeCode"); }
            else if (reader.ValueTextEquals("nativeSeverity"u8)) { reader.Read(); nativeSeverity = JsonValues.Text(ref reader, source, "nativeSeverity"); }
            else if (reader.ValueTextEquals("qualifier"u8)) { reader.Read(); qualifier = JsonValues.Text(ref reader, source, "qualifier"); }
            else if (reader.ValueTextEquals("conditionId"u8)) { reader.Read(); conditionId = JsonValues.Text(ref reader, source, "conditionId"); }
            else if (reader.ValueTextEquals("resetTriggered"u8)) { reader.Read(); resetTriggered = JsonValues.Text(ref reader, source, "resetTriggered"); }
            else if (reader.ValueTextEquals("sampleCount"u8)) { reader.Read(); sampleCount = JsonValues.Int(ref reader, source, "sampleCount"); }
            else if (reader.ValueTextEquals("sampleRate"u8)) { reader.Read(); sampleRate = JsonValues.Double(ref reader, source, "sampleRate"); }
            else if (reader.ValueTextEquals("count"u8)) { reader.Read(); count = JsonValues.Int(ref reader, source, "count"); }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new Observation
        {
            Category = category,
            ElementName = element,
            DataItemId = JsonValues.RequiredText(dataItemId, $"{element} dataItemId", source, start),
            Name = name,
            Sequence = sequence ?? throw source.Error(start, FormatErrorKind.InvalidValue, $"'{element} sequence' is missing"),
            Timestamp = timestamp ?? throw source.Error(start, FormatErrorKind.InvalidValue, $"'{element} timestamp' is missing"),
            SubType = subType,
            CompositionId = compositionId,
            Value = value,
            Level = category == DataItemCategory.Condition ? LevelOf(element, source, start) : null,
            Type = type,
            NativeCode = nativeCode,
            NativeSeverity = nativeSeverity,
            Qualifier = qualifier,
            ConditionId = conditionId,
            SampleCount = sampleCount,
            SampleRate = sampleRate,
            Count = count,
            Entries = entries,
            ResetTriggered = resetTriggered,
            Where = component,
        };
    }

    private static ConditionLevel LevelOf(string element, JsonSource source, long start) => element switch
    {
        "Normal" => ConditionLevel.Normal,
        "Warning" => ConditionLevel.Warning,
        "Fault" => ConditionLevel.Fault,
        "Unavailable" => ConditionLevel.Unavailable,
        _ => throw source.Error(start, FormatErrorKind.InvalidValue, $"'{element}' is not a condition level (Normal, Warning, Fault, Unavailable)"),
    };

    /// <summary>
    /// A DataSet or Table value: <c>{"key": value}</c>, a removed entry as <c>{"key": {"removed": true}}</c>,
    /// a table row as an object of cells.
    /// </summary>
    private static List<DataSetEntry> ReadEntries(ref Utf8JsonReader reader, JsonSource source)
    {
        var entries = new List<DataSetEntry>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = source.Strings.Get(ref reader);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                entries.Add(new DataSetEntry(key, JsonValues.Text(ref reader, source, key)));
                continue;
            }

            var cells = new List<TableCell>();
            var removed = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var cellKey = source.Strings.Get(ref reader);
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    // A removed cell ({"removed": true}) has no value.
                    reader.Skip();
                    cells.Add(new TableCell(cellKey, null));
                }
                else if (cellKey == "removed" && reader.TokenType == JsonTokenType.True)
                {
                    removed = true;
                }
                else
                {
                    cells.Add(new TableCell(cellKey, JsonValues.Text(ref reader, source, cellKey)));
                }
            }

            entries.Add(removed && cells.Count == 0
                ? new DataSetEntry(key, null, Removed: true)
                : new DataSetEntry(key, null, Cells: cells));
        }

        return entries;
    }
}
