using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Mtc.Cloud.Summary;

/// <summary>
/// The summable part of a summary over one stretch of one machine: seconds per status, alarm and setup seconds, counts, and the
/// cycle durations in start order (for the mean and median, which do not add up). Stretches that do not overlap add up to the
/// numbers of their union; <see cref="KpiCalculator"/> turns a sum into <see cref="Kpis"/>.
/// </summary>
internal sealed class Tally
{
    public Dictionary<string, double> SecondsByStatus { get; } = new(StringComparer.Ordinal);
    public double AlarmSeconds { get; set; }
    public double SetupSeconds { get; set; }
    public long AlarmCount { get; set; }
    public long Parts { get; set; }
    public long Completed { get; set; }
    public long Aborted { get; set; }
    public long Partial { get; set; }
    public long Other { get; set; }
    public List<double> Durations { get; } = [];

    /// <summary>The start and duration of the cycle that started last (the first of those starting at the same instant).</summary>
    public (DateTimeOffset Start, double Seconds)? LastCycle { get; set; }

    public void Add(Tally other)
    {
        foreach (var (status, seconds) in other.SecondsByStatus)
        {
            SecondsByStatus[status] = SecondsByStatus.GetValueOrDefault(status) + seconds;
        }
        AlarmSeconds += other.AlarmSeconds;
        SetupSeconds += other.SetupSeconds;
        AlarmCount += other.AlarmCount;
        Parts += other.Parts;
        Completed += other.Completed;
        Aborted += other.Aborted;
        Partial += other.Partial;
        Other += other.Other;
        Durations.AddRange(other.Durations);
        if (other.LastCycle is { } l && (LastCycle is not { } mine || l.Start > mine.Start))
        {
            LastCycle = l;
        }
    }

    /// <summary>The stored form: short names, times as UTC ticks, doubles exactly.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("s");
            foreach (var (status, seconds) in SecondsByStatus)
            {
                w.WriteNumber(status, seconds);
            }
            w.WriteEndObject();
            w.WriteNumber("as", AlarmSeconds);
            w.WriteNumber("ss", SetupSeconds);
            w.WriteNumber("ac", AlarmCount);
            w.WriteNumber("p", Parts);
            w.WriteStartArray("c");
            w.WriteNumberValue(Completed);
            w.WriteNumberValue(Aborted);
            w.WriteNumberValue(Partial);
            w.WriteNumberValue(Other);
            w.WriteEndArray();
            w.WriteStartArray("d");
            foreach (var d in Durations)
            {
                w.WriteNumberValue(d);
            }
            w.WriteEndArray();
            if (LastCycle is { } last)
            {
                w.WriteNumber("lt", last.Start.UtcTicks);
                w.WriteNumber("ld", last.Seconds);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads <see cref="ToJson"/>'s form; null when it is not that (the quarter is computed again).</summary>
    public static Tally? FromJson(string json)
    {
        try
        {
            return Read(Encoding.UTF8.GetBytes(json));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static Tally? Read(ReadOnlySpan<byte> utf8)
    {
        var r = new Utf8JsonReader(utf8);
        var t = new Tally();
        long? lastTicks = null;
        double? lastSeconds = null;
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = r.GetString();
            r.Read();
            switch (name)
            {
                case "s":
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        var status = r.GetString()!;
                        r.Read();
                        t.SecondsByStatus[status] = r.GetDouble();
                    }
                    break;
                case "as": t.AlarmSeconds = r.GetDouble(); break;
                case "ss": t.SetupSeconds = r.GetDouble(); break;
                case "ac": t.AlarmCount = r.GetInt64(); break;
                case "p": t.Parts = r.GetInt64(); break;
                case "c":
                    var counts = new long[4];
                    for (var i = 0; r.Read() && r.TokenType != JsonTokenType.EndArray; i++)
                    {
                        counts[i] = r.GetInt64();
                    }
                    (t.Completed, t.Aborted, t.Partial, t.Other) = (counts[0], counts[1], counts[2], counts[3]);
                    break;
                case "d":
                    while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                    {
                        t.Durations.Add(r.GetDouble());
                    }
                    break;
                case "lt": lastTicks = r.GetInt64(); break;
                case "ld": lastSeconds = r.GetDouble(); break;
                default: r.Skip(); break;
            }
        }
        if (lastTicks is { } ticks && lastSeconds is { } seconds)
        {
            t.LastCycle = (new DateTimeOffset(ticks, TimeSpan.Zero), seconds);
        }
        return t;
    }
}
