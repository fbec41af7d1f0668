using System.Text.Json;
using Mtc.Core.Model;
using Mtc.Simulator.Agent;
using Mtc.Simulator.Documents;

namespace Mtc.Simulator.Mqtt;

/// <summary>
/// The payload of one observation in the layout of cppagent's MQTT entity sink (<c>src/mtconnect/sink/mqtt_entity_sink</c>,
/// its README "Message Format" and <c>formatObservationJson</c>/<c>formatConditionJson</c>): a flat JSON object with
/// <c>dataItemId</c>, <c>name</c>, <c>type</c>, <c>subType</c>, <c>timestamp</c>, <c>category</c> and <c>sequence</c>; samples and
/// events add <c>result</c> (always a string), conditions <c>level</c>, <c>nativeCode</c>, <c>conditionId</c> and <c>message</c>.
/// One addition: <c>instanceId</c>, which cppagent's payload lacks, so a reader can tell an agent restart (the edge reads it
/// when present).
/// </summary>
internal static class EntityMessages
{
    public static byte[] Observation(long instanceId, BufferedObservation entry)
    {
        var (o, item) = entry;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("dataItemId", o.DataItemId);
            if (item.Name is { Length: > 0 } name)
            {
                w.WriteString("name", name);
            }
            w.WriteString("type", item.Type);
            if (item.SubType is { Length: > 0 } subType)
            {
                w.WriteString("subType", subType);
            }
            w.WriteString("timestamp", DocumentWriter.Timestamp(o.Timestamp));
            w.WriteString("category", o.Category.ToString().ToUpperInvariant());
            if (o.Category == DataItemCategory.Condition)
            {
                w.WriteString("level", (o.Level ?? ConditionLevel.Unavailable).ToString().ToUpperInvariant());
                if (o.NativeCode is { } code)
                {
                    w.WriteString("nativeCode", code);
                }
                if (o.ConditionId is { } id)
                {
                    w.WriteString("conditionId", id);
                }
                if (o.Value is { } message)
                {
                    w.WriteString("message", message);
                }
            }
            else
            {
                w.WriteString("result", o.Value ?? Core.Model.Observation.UnavailableValue);
            }
            w.WriteNumber("sequence", o.Sequence);
            w.WriteNumber("instanceId", instanceId);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
