using System.Globalization;
using System.Text;
using System.Text.Json;
using Mtc.Core.Model;

namespace Mtc.Edge.Outbox;

/// <summary>Outbox payloads: a wire record's JSON object without its <c>seq</c> (the outbox assigns it when the batch is sent).</summary>
internal static class RecordPayloads
{
    /// <param name="instanceId">The agent instance whose sequences the gap counts.</param>
    /// <param name="machines">Every machine the gap concerns, when the sequences are shared by several (one agent).</param>
    public static byte[] Gap(string? machineId, string source, long? missed, long? fromSequence, long? toSequence, string reason,
        string? instanceId = null, IReadOnlyList<string>? machines = null) =>
        Write(w =>
        {
            w.WriteString("kind", "gap");
            if (machineId is not null)
            {
                w.WriteString("machineId", machineId);
            }
            w.WriteString("source", source);
            WriteOptional(w, "instanceId", instanceId);
            if (machines is { Count: > 0 })
            {
                w.WriteStartArray("machines");
                foreach (var m in machines)
                {
                    w.WriteStringValue(m);
                }
                w.WriteEndArray();
            }
            WriteNumber(w, "missed", missed);
            WriteNumber(w, "fromSequence", fromSequence);
            WriteNumber(w, "toSequence", toSequence);
            w.WriteString("reason", reason);
        });

    public static byte[] DeviceModel(string machineId, string? uuid, string? name, string document) =>
        Write(w =>
        {
            w.WriteString("kind", "deviceModel");
            w.WriteString("machineId", machineId);
            WriteOptional(w, "uuid", uuid);
            WriteOptional(w, "name", name);
            w.WriteString("document", document);
        });

    /// <param name="type">The data item's type in the device model (<c>PART_COUNT</c>, <c>x:TOOL_OFFSET</c>); when null,
    /// a condition's <c>type</c> attribute or the type the element name stands for.</param>
    public static byte[] Observation(string machineId, string? instanceId, Observation o, string? type = null) =>
        Write(w =>
        {
            w.WriteString("kind", "observation");
            w.WriteString("machineId", machineId);
            WriteOptional(w, "instanceId", instanceId);
            w.WriteNumber("sequence", o.Sequence);
            w.WriteString("dataItemId", o.DataItemId);
            WriteOptional(w, "name", o.Name);
            w.WriteString("category", CategoryText(o.Category));
            w.WriteString("type", type ?? o.Type ?? (o.Category == DataItemCategory.Condition ? "" : TypeOf(o.ElementName)));
            WriteOptional(w, "subType", o.SubType);
            w.WriteString("timestamp", new DateTimeOffset(DateTime.SpecifyKind(o.Timestamp, DateTimeKind.Utc)));
            WriteOptional(w, "value", o.Value ?? EntriesText(o.Entries));
            // A message's or an alarm's native code too.
            WriteOptional(w, "nativeCode", o.NativeCode);
            if (o.Category == DataItemCategory.Condition)
            {
                WriteOptional(w, "level", o.Level?.ToString().ToUpperInvariant());
                WriteOptional(w, "nativeSeverity", o.NativeSeverity);
                WriteOptional(w, "qualifier", o.Qualifier);
                WriteOptional(w, "conditionId", o.ConditionId);
            }
        });

    public static byte[] DerivedEvent(string machineId, Mtc.Core.Analytics.MachineEvent e) =>
        Write(w =>
        {
            w.WriteString("kind", "derivedEvent");
            w.WriteString("machineId", machineId);
            w.WriteStartObject("event");
            w.WriteString("id", e.Id);
            w.WriteString("type", e.Type);
            w.WriteString("start", new DateTimeOffset(DateTime.SpecifyKind(e.Start, DateTimeKind.Utc)));
            if (e.End is { } end)
            {
                w.WriteString("end", new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc)));
            }
            else
            {
                w.WriteNull("end");
            }
            w.WritePropertyName("data");
            e.WriteData(w);
            w.WriteEndObject();
        });

    public static string CategoryText(DataItemCategory c) => c switch
    {
        DataItemCategory.Sample => "SAMPLE",
        DataItemCategory.Event => "EVENT",
        _ => "CONDITION",
    };

    /// <summary><c>PathFeedrate</c> → <c>PATH_FEEDRATE</c>: the data item type an element name stands for.</summary>
    public static string TypeOf(string elementName)
    {
        var sb = new StringBuilder(elementName.Length + 4);
        for (var i = 0; i < elementName.Length; i++)
        {
            var c = elementName[i];
            if (char.IsUpper(c) && i > 0 && !char.IsUpper(elementName[i - 1]))
            {
                sb.Append('_');
            }
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }

    private static string? EntriesText(IReadOnlyList<DataSetEntry>? entries) =>
        entries is null ? null : string.Join(' ', entries.Select(e => e.Removed ? e.Key : string.Create(CultureInfo.InvariantCulture, $"{e.Key}={e.Value}")));

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
