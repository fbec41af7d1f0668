using System.Text.Json;
using Mtc.Cloud.Storage;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Notifications;

/// <summary>The notification each kind of event causes, and the <c>data</c> object its webhook body carries.</summary>
internal static class NotificationPayloads
{
    /// <summary>
    /// An edge's derived event. An event still running (end null) and its ended version are two notifications: the ended one
    /// has the event's id, the running one the id with <c>:open</c> after it. A resent copy of either is the same row.
    /// </summary>
    public static NotificationRow Derived(string edgeId, DerivedEventRecord derived)
    {
        var e = derived.Event;
        var payload = new Dictionary<string, object?>
        {
            ["eventId"] = e.Id, ["source"] = "edge", ["edgeId"] = edgeId, ["start"] = SqlCloudStore.Normalize(e.Start),
            ["end"] = e.End is { } end ? SqlCloudStore.Normalize(end) : null, ["data"] = e.Data,
        };
        return new NotificationRow(e.End is null ? e.Id + ":open" : e.Id, e.Type, derived.MachineId, e.End ?? e.Start, Serialize(payload));
    }

    /// <summary>An integrator's event posted to <c>/api/ext/event</c>.</summary>
    public static NotificationRow External(string? edgeId, ExternalEvent ev)
    {
        var payload = new Dictionary<string, object?>
        {
            ["eventId"] = ev.Id, ["source"] = "external", ["edgeId"] = edgeId, ["start"] = SqlCloudStore.Normalize(ev.Timestamp),
            ["data"] = ev.DataJson is null ? null : JsonDocument.Parse(ev.DataJson).RootElement.Clone(),
        };
        return new NotificationRow(ev.Id, ev.Type, ev.MachineId, ev.Timestamp, Serialize(payload));
    }

    /// <summary>
    /// A notification as every consumer gets it, a webhook's body and a broker's event alike: its id (the event id), type,
    /// tenant, machine, time and the <c>data</c> object stored with it.
    /// </summary>
    public static byte[] Envelope(string id, string type, string tenant, string? machineId, DateTimeOffset occurred, string? payloadJson)
    {
        using var buffer = new MemoryStream(256 + (payloadJson?.Length ?? 0));
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("type", type);
            w.WriteString("tenant", tenant);
            w.WriteString("machineId", machineId);
            w.WriteString("occurred", occurred);
            w.WritePropertyName("data");
            if (payloadJson is null)
            {
                w.WriteNullValue();
            }
            else
            {
                // The cloud wrote it; validated all the same, so a damaged row is an error here, not a broken document downstream.
                w.WriteRawValue(payloadJson, skipInputValidation: false);
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string Serialize(Dictionary<string, object?> payload) =>
        StoredText.CleanJson(JsonSerializer.Serialize(payload, Hosting.CloudJson.Options))!;
}
