using System.Text;

namespace Mtc.Cloud.Bus;

/// <summary>
/// Topic levels and subject tokens from machine ids and event types, which may hold anything: a character the broker gives a
/// meaning to (MQTT <c>+ # /</c>, NATS <c>. * &gt;</c> and white space), a control character, or a leading <c>$</c> (MQTT's
/// system topics) becomes <c>_</c>, and an empty one is <c>_</c>, so an id can neither add levels nor subscribe wildcards.
/// </summary>
internal static class BusTopics
{
    /// <summary>The machine level of a notification about no machine (an edge's alert).</summary>
    public const string NoMachine = "_cloud";

    public static string MqttLevel(string? value) => Clean(value, static c => c is '+' or '#' or '/', dollar: true);

    public static string NatsToken(string? value) => Clean(value, static c => c is '.' or '*' or '>' || char.IsWhiteSpace(c), dollar: false);

    private static string Clean(string? value, Func<char, bool> reserved, bool dollar)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "_";
        }
        var b = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                b.Append(c).Append(value[++i]);
                continue;
            }
            // A lone surrogate is not UTF-8, which both protocols require of a topic.
            b.Append(reserved(c) || char.IsControl(c) || char.IsSurrogate(c) ? '_' : c);
        }
        if (dollar && b[0] == '$')
        {
            b[0] = '_';
        }
        return b.ToString();
    }
}
