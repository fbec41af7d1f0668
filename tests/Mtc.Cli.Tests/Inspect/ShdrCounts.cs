using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;

namespace Mtc.Cli.Tests.Inspect;

/// <summary>
/// Counts taken from an SHDR log by splitting its lines on '|' and looking each key up in the Devices.xml with
/// LINQ to XML (a condition takes five fields, a message two, a time series three, anything else one),
/// independently of the product's SHDR reader. Enough for logs without escaped pipes or quoted fields.
/// </summary>
internal sealed record ShdrCounts(int Lines, int Observations, int Conditions, int Unavailable, int Assets, int Commands, DateTime First, DateTime Last)
{
    public static ShdrCounts Of(string logPath, string devicesPath)
    {
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in XDocument.Load(devicesPath).Descendants().Where(e => e.Name.LocalName == "DataItem"))
        {
            var fields = (string?)item.Attribute("category") == "CONDITION" ? 5
                : (string?)item.Attribute("type") == "MESSAGE" ? 2
                : (string?)item.Attribute("representation") == "TIME_SERIES" ? 3
                : 1;
            foreach (var key in new[] { (string?)item.Attribute("name"), (string?)item.Attribute("id") })
            {
                if (key is not null)
                {
                    kinds.TryAdd(key, fields);
                }
            }
        }

        using var file = File.OpenRead(logPath);
        using Stream input = logPath.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(input);
        int lines = 0, observations = 0, conditions = 0, unavailable = 0, assets = 0, commands = 0;
        DateTime first = DateTime.MaxValue, last = DateTime.MinValue;
        string? terminator = null;
        while (reader.ReadLine() is { } line)
        {
            lines++;
            if (terminator is not null)
            {
                terminator = line.TrimEnd() == terminator ? null : terminator;
                continue;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (line.StartsWith('*'))
            {
                commands++;
                continue;
            }

            var fields = line.Split('|');
            var time = DateTime.Parse(fields[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            first = time < first ? time : first;
            last = time > last ? time : last;
            if (fields[1].StartsWith('@'))
            {
                assets += fields[1] == "@ASSET@" ? 1 : 0;
                terminator = fields[^1].StartsWith("--multiline--", StringComparison.Ordinal) ? fields[^1].Trim() : null;
                continue;
            }

            for (var i = 1; i < fields.Length;)
            {
                var taken = kinds.GetValueOrDefault(fields[i], 1);
                observations++;
                conditions += taken == 5 ? 1 : 0;
                unavailable += i + 1 < fields.Length && fields[i + 1].Trim().Equals("UNAVAILABLE", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
                i += 1 + taken;
            }
        }

        return new ShdrCounts(lines, observations, conditions, unavailable, assets, commands, first, last);
    }
}
