using System.IO.Compression;
using Mtc.Core.Analytics;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Analytics;

/// <summary>The real logs of the golden tests, read with the product's readers, and their raw lines for independent checks.</summary>
internal static class RealLogs
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    public static string OkumaLog => Path("cppagent", "demo", "agent", "okuma.txt.gz");
    public static string OkumaDevices => Path("cppagent", "demo", "agent", "Devices.xml");
    public static string NistLog => Path("nist-smstestbed", "raw", "Mazak01", "Mazak01-20170622-20170623.txt.gz");
    public static string NistDevices => Path("nist-smstestbed", "mtconnect", "agent", "Devices.xml");

    public static Device Device(string devicesPath, string name)
    {
        using var file = File.OpenRead(devicesPath);
        return MtConnectXml.ReadDevices(file).Devices.Single(d => d.Name == name);
    }

    public static string HurcoLog => Path("nist-smstestbed", "raw", "Hurco01", "Hurco01-20170518-20170519.txt");

    /// <summary>A log, plain or gzip.</summary>
    public static TextReader Open(string path) => path.EndsWith(".gz", StringComparison.Ordinal)
        ? new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
        : new StreamReader(File.OpenRead(path));

    /// <summary>Every line of a log, plain or gzip.</summary>
    public static List<string> Lines(string path)
    {
        using var log = Open(path);
        var lines = new List<string>();
        while (log.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Log lines (real, or real ones edited by a test) read with the product's SHDR feed.</summary>
    public static List<Observation> Observations(IEnumerable<string> lines, Device device) =>
        new ShdrDeviceFeed(device).Read(new StringReader(string.Join('\n', lines))).ToList();

    public static AnalysisRun Analyze(IEnumerable<Observation> observations, Device device, AnalyticsOptions? options = null)
    {
        var analyzer = new MachineAnalyzer(device, options);
        foreach (var observation in observations)
        {
            analyzer.Observe(observation);
        }

        analyzer.Finish();
        return new AnalysisRun(analyzer, analyzer.TakeEvents());
    }

    public static List<Observation> Observations(string gzPath, Device device)
    {
        using var log = Open(gzPath);
        return new ShdrDeviceFeed(device).Read(log).ToList();
    }

    public static AnalysisRun Analyze(string gzPath, Device device, AnalyticsOptions? options = null) =>
        Analyze(Observations(gzPath, device), device, options);

    /// <summary>
    /// Analyses <paramref name="stream"/> as a crash would cut it: the first <paramref name="split"/> observations, the
    /// state saved, then a new analyzer restored from it takes the rest. Returns every event, in order.
    /// </summary>
    public static List<MachineEvent> RunSplitAt(Device device, IReadOnlyList<(Observation Observation, string? Instance)> stream, int split)
    {
        var first = new MachineAnalyzer(device);
        foreach (var (observation, instance) in stream.Take(split))
        {
            first.Observe(observation, instance);
        }

        var events = first.TakeEvents().ToList();
        var second = MachineAnalyzer.Restore(device, first.SaveState());
        foreach (var (observation, instance) in stream.Skip(split))
        {
            second.Observe(observation, instance);
        }

        second.Finish();
        events.AddRange(second.TakeEvents());
        return events;
    }

    public static List<(Observation Observation, string? Instance)> OneInstance(IEnumerable<Observation> observations) =>
        observations.Select(o => (o, (string?)null)).ToList();

    /// <summary>A log's timestamp text (with or without Z) as UTC.</summary>
    public static DateTime Time(string text) =>
        DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    /// <summary>Raw data lines (assets and their bodies left out) split on pipes, in file order.</summary>
    public static List<string[]> RawDataLines(string gzPath)
    {
        var lines = new List<string[]>();
        using var log = Open(gzPath);
        var inAsset = false;
        while (log.ReadLine() is { } line)
        {
            if (inAsset)
            {
                inAsset = !line.StartsWith("--multiline--", StringComparison.Ordinal);
                continue;
            }

            var fields = line.Split('|');
            if (fields.Length > 1 && fields[1].StartsWith('@'))
            {
                inAsset = line.Contains("--multiline--", StringComparison.Ordinal);
                continue;
            }

            if (fields.Length > 1)
            {
                lines.Add(fields);
            }
        }

        return lines;
    }
}
