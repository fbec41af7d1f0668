namespace Mtc.Edge.Collectors.Mqtt;

/// <summary>The document topics of cppagent's MQTT sink (<c>Mqtt2Service</c>: <c>ProbeTopic</c>, <c>CurrentTopic</c>,
/// <c>SampleTopic</c>, defaults <c>MTConnect/Probe/[device]</c>, ... with <c>[device]</c> the device's uuid), and the
/// observation topics of its entity sink (<c>MqttEntitySink</c>: <c>ObservationTopicPrefix</c>, default
/// <c>MTConnect/Devices/[device]/Observations</c>, then <c>/&lt;dataItemId&gt;</c>; the device model on <c>DeviceTopicPrefix</c>,
/// default <c>MTConnect/Probe/[device]</c>).</summary>
internal enum MqttTopicKind
{
    Probe,
    Current,
    Sample,
    Observation,
}

internal static class MqttTopic
{
    private static readonly string[] Kinds = ["Probe", "Current", "Sample"];

    /// <summary>The topic filters the edge subscribes to: every device, so sequences of devices it does not collect still count as seen.</summary>
    public static IEnumerable<string> Filters(string prefix, bool entities) =>
        entities ? [$"{prefix}/Probe/+", $"{prefix}/Devices/+/Observations/#"] : Kinds.Select(k => $"{prefix}/{k}/+");

    /// <summary>Reads <c>&lt;prefix&gt;/Devices/&lt;uuid&gt;/Observations/&lt;dataItemId&gt;</c>; false for any other topic.</summary>
    public static bool TryParseObservation(string prefix, string topic, out string uuid, out string dataItemId)
    {
        uuid = "";
        dataItemId = "";
        var head = prefix + "/Devices/";
        if (!topic.StartsWith(head, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = topic.AsSpan(head.Length);
        var slash = rest.IndexOf('/');
        const string Observations = "/Observations/";
        if (slash <= 0 || !rest[slash..].StartsWith(Observations, StringComparison.Ordinal) || rest.Length == slash + Observations.Length)
        {
            return false;
        }
        uuid = rest[..slash].ToString();
        dataItemId = rest[(slash + Observations.Length)..].ToString();
        return true;
    }

    /// <summary>Reads <c>&lt;prefix&gt;/&lt;Probe|Current|Sample&gt;/&lt;uuid&gt;</c>; false for any other topic.</summary>
    public static bool TryParse(string prefix, string topic, out MqttTopicKind kind, out string uuid)
    {
        kind = default;
        uuid = "";
        if (topic.Length <= prefix.Length + 1 || !topic.StartsWith(prefix, StringComparison.Ordinal) || topic[prefix.Length] != '/')
        {
            return false;
        }
        var rest = topic.AsSpan(prefix.Length + 1);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1 || rest[(slash + 1)..].Contains('/'))
        {
            return false;
        }
        var name = rest[..slash];
        for (var i = 0; i < Kinds.Length; i++)
        {
            if (name.SequenceEqual(Kinds[i]))
            {
                kind = (MqttTopicKind)i;
                uuid = rest[(slash + 1)..].ToString();
                return true;
            }
        }
        return false;
    }
}
