using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Mtc.Benchmarks;

/// <summary>
/// A large streams document made of real observations: the observations of a real <c>/current</c> capture,
/// repeated in place with increasing sequence numbers and timestamps until there are at least
/// <see cref="MinimumObservations"/>, written as one document (like a big <c>/sample</c> page).
/// Numeric sample values move a little from copy to copy, as positions and loads do in a real <c>/sample</c>;
/// events, conditions, data sets and tables repeat as they were captured.
/// </summary>
internal static class StreamsBenchmarkData
{
    public const int MinimumObservations = 10_000;

    /// <summary>Captures to build from (paths under tests/TestData).</summary>
    public static readonly IReadOnlyDictionary<string, string> Sources = new Dictionary<string, string>
    {
        ["Mazak-2.0"] = "mtconnect.net/tests/MTConnect.NET-XML-Tests/Streams-Files/Current-Mazak-2.0.xml",
        ["Mazak-1.7"] = "ladder99/services/relay/examples/mazak/current.xml",
    };

    private static readonly Dictionary<string, (byte[] Bytes, int Observations)> Cache = [];

    public static (byte[] Bytes, int Observations) Get(string source)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(source, out var data))
            {
                data = Build(File.ReadAllText(Locate(Sources[source])));
                Cache[source] = data;
            }

            return data;
        }
    }

    private static (byte[] Bytes, int Observations) Build(string captureXml)
    {
        XDocument capture = XDocument.Parse(captureXml);
        XElement root = capture.Root!;
        XNamespace ns = root.Name.Namespace;
        var observations = root.Descendants()
            .Where(e => e.Parent?.Name.LocalName is "Samples" or "Events" or "Condition" && e.Parent.Parent?.Name.LocalName == "ComponentStream")
            .ToList();
        int copies = (MinimumObservations + observations.Count - 1) / observations.Count;
        long sequence = 1;

        // Replace each observation by its copies, in place, so the document keeps the capture's shape.
        foreach (var observation in observations)
        {
            var repeated = new List<XElement>(copies);
            for (int copy = 0; copy < copies; copy++)
            {
                var clone = new XElement(observation);
                clone.SetAttributeValue("sequence", (sequence++).ToString(CultureInfo.InvariantCulture));
                if (clone.Attribute("timestamp") is { } timestamp)
                {
                    var time = DateTime.Parse(timestamp.Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                    timestamp.Value = time.AddMilliseconds(copy * 100).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
                }

                if (copy > 0 && observation.Parent!.Name.LocalName == "Samples" && !clone.HasElements
                    && double.TryParse(clone.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double sample))
                {
                    clone.Value = (sample + (copy * 0.01)).ToString("0.####", CultureInfo.InvariantCulture);
                }

                repeated.Add(clone);
            }

            observation.ReplaceWith(repeated);
        }

        XElement header = root.Element(ns + "Header")!;
        header.SetAttributeValue("firstSequence", "1");
        header.SetAttributeValue("lastSequence", (sequence - 1).ToString(CultureInfo.InvariantCulture));
        header.SetAttributeValue("nextSequence", sequence.ToString(CultureInfo.InvariantCulture));

        using var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            capture.Save(writer);
        }

        return (output.ToArray(), observations.Count * copies);
    }

    /// <summary>Next to the assembly (copied at build) or in the repository's tests/TestData.</summary>
    private static string Locate(string relative)
    {
        string copied = Path.Combine(AppContext.BaseDirectory, "TestData", relative);
        if (File.Exists(copied))
        {
            return copied;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "TestData", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tests/TestData/{relative} not found next to the benchmark or above it");
    }
}
