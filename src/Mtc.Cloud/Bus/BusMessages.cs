using System.Globalization;
using System.Text.Json;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Notifications;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Bus;

/// <summary>
/// The JSON bodies a broker gets: an event (its notification's id, type, tenant, machine, time and the webhook's <c>data</c>
/// object) and a machine's state (read from the store when it is published, so a retained state is the latest whatever
/// order the events went out in).
/// </summary>
internal static class BusMessages
{
    /// <summary>Event types after which a machine's retained state is published again.</summary>
    public static bool ChangesState(string type) => type is "status" or "part" or "alarm" or "cycle";

    /// <summary>The event, in the envelope a webhook gets too (the stored times are UTC already).</summary>
    public static byte[] Event(BusDelivery d) =>
        NotificationPayloads.Envelope(d.NotificationId, d.Type, d.Tenant, d.MachineId, d.Occurred, d.PayloadJson);

    /// <summary>A machine's state now: its status and since when, its part count, its open alarm, and the event that caused it.</summary>
    public static async Task<byte[]> StateAsync(ICloudStore store, string tenant, string machineId, string eventId, DateTimeOffset now, CancellationToken ct)
    {
        var status = await store.GetLatestEventAsync(tenant, machineId, "status", ct).ConfigureAwait(false);
        var part = await store.GetLatestEventAsync(tenant, machineId, "part", ct).ConfigureAwait(false);
        var alarm = await store.GetOpenAlarmAsync(tenant, machineId, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("machineId", machineId);
            w.WriteString("tenant", tenant);
            w.WriteString("status", CloudJson.String(CloudJson.Element(status?.DataJson), "status"));
            if (status is null)
            {
                w.WriteNull("since");
            }
            else
            {
                w.WriteString("since", SqlCloudStore.Normalize(status.Start));
            }
            if (Counter(part) is { } counter)
            {
                w.WriteNumber("partCount", counter);
            }
            else
            {
                w.WriteNull("partCount");
            }
            w.WriteString("alarm", alarm is null ? null : CloudJson.String(CloudJson.Element(alarm.DataJson), "nativeCode") ?? alarm.Id);
            w.WriteString("eventId", eventId);
            w.WriteString("updated", now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static long? Counter(EventRow? part) =>
        CloudJson.Element(part?.DataJson) is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("counter", out var v)
            && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}
