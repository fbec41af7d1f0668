using System.Globalization;
using System.IO.Compression;

namespace Mtc.Simulator.Sources.Replay;

/// <summary>One timestamped SHDR line of a log; a multiline asset body is joined into <see cref="Fields"/>' last field.</summary>
internal sealed record ShdrLogLine(int LineNumber, DateTime Timestamp, string[] Fields);

/// <summary>
/// Reads an SHDR log (plain or .gz) line by line: <c>timestamp|key|value|...</c>, <c>@ASSET@</c> with
/// <c>--multiline--</c> bodies. Lines without a readable timestamp and adapter commands (<c>* ...</c>) are skipped
/// and counted.
/// </summary>
internal static class ShdrLogReader
{
    public static IEnumerable<ShdrLogLine> Read(string path, Action<int, string> skipped)
    {
        using var file = File.OpenRead(path);
        using var input = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new StreamReader(input);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0 || line[0] == '*')
            {
                continue;
            }

            var fields = line.Split('|');
            if (fields.Length < 2 || !TryTimestamp(fields[0], out var timestamp))
            {
                skipped(number, "no timestamp");
                continue;
            }

            var start = number;
            var last = fields[^1];
            if (last.StartsWith("--multiline--", StringComparison.Ordinal))
            {
                var body = new System.Text.StringBuilder();
                var closed = false;
                while (reader.ReadLine() is { } bodyLine)
                {
                    number++;
                    if (string.Equals(bodyLine, last, StringComparison.Ordinal))
                    {
                        closed = true;
                        break;
                    }

                    body.Append(bodyLine).Append('\n');
                }

                if (!closed)
                {
                    skipped(start, $"multiline body not closed by {last}");
                    yield break;
                }

                fields[^1] = body.ToString();
            }

            yield return new ShdrLogLine(start, timestamp, fields[1..]);
        }
    }

    private static bool TryTimestamp(string text, out DateTime timestamp) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out timestamp);
}
